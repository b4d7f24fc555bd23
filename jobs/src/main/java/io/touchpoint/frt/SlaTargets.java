package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** First-reply targets per channel in seconds (SPEC §4.3), with overrides like {@code chat=90,email=7200}. */
public final class SlaTargets implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EnumMap<Channel, Long> seconds = new EnumMap<>(Channel.class);

    private SlaTargets() {
        seconds.putAll(Map.of(Channel.PHONE, 60L, Channel.CHAT, 120L, Channel.SMS, 900L, Channel.SOCIAL, 3600L,
                Channel.APP, 3600L, Channel.STORE, 300L, Channel.EMAIL, 14_400L, Channel.WEB, 14_400L,
                Channel.OTHER, 3600L));
    }

    public static SlaTargets defaults() {
        return new SlaTargets();
    }

    public static SlaTargets parse(String overrides) {
        SlaTargets targets = new SlaTargets();
        if (overrides == null || overrides.isBlank()) {
            return targets;
        }
        for (String entry : overrides.split(",")) {
            String[] kv = entry.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("SLA targets take channel=seconds, got '" + entry.strip() + "'");
            }
            Channel channel;
            try {
                channel = Channel.valueOf(kv[0].strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown channel '" + kv[0].strip() + "' in SLA targets");
            }
            long value;
            try {
                value = Long.parseLong(kv[1].strip());
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (value <= 0) {
                throw new IllegalArgumentException("SLA target of " + kv[0].strip() + " must be a positive number of seconds");
            }
            targets.seconds.put(channel, value);
        }
        return targets;
    }

    public long secondsFor(Channel channel) {
        return seconds.get(channel);
    }
}
