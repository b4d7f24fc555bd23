package io.touchpoint.simulate;

import io.touchpoint.avro.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Locale;

/**
 * What the simulated contact centre goes through: steady traffic, optionally with one incident on one channel in
 * a part of the run (given as fractions of the duration): reply delays multiplied, arrivals multiplied, NPS
 * shifted, agents offline (no human reply at all until the incident ends), a wave of cancellation requests
 * (each followed by an NPS exit survey), the channel down (nothing of it reaches Kafka), or a share of the
 * channel's survey answers sent with an out-of-range score (a broken survey form).
 */
public record Scenario(
        String name,
        Channel incidentChannel,
        double incidentFrom,
        double incidentTo,
        double replyDelayFactor,
        double arrivalFactor,
        double npsShift,
        boolean agentsOffline,
        double cancellationShare,
        boolean channelDown,
        double invalidScoreShare,
        boolean dayCurve) {

    public static Scenario steady() {
        return named("steady");
    }

    /** The same scenario at daytime volume around the clock, so a short run shows busy traffic at any hour. */
    public Scenario daytimeAllDay() {
        return new Scenario(name, incidentChannel, incidentFrom, incidentTo, replyDelayFactor, arrivalFactor, npsShift,
                agentsOffline, cancellationShare, channelDown, invalidScoreShare, false);
    }

    /** The names of the scenarios that ship in {@code tools/src/main/resources/scenarios}. */
    public static List<String> builtIn() {
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/index.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A scenario by built-in name, or from a properties file: {@code name}, {@code incident.channel},
     * {@code incident.from} and {@code incident.to} (fractions of the run), {@code reply-delay-factor},
     * {@code arrival-factor}, {@code nps-shift}, {@code agents-offline}, {@code cancellation-share} (0-1),
     * {@code channel-down}, {@code invalid-score-share} (0-1); see the built-in files for examples.
     */
    public static Scenario named(String nameOrFile) {
        Properties p = new Properties();
        Path file = Path.of(nameOrFile);
        try {
            if (Files.isRegularFile(file)) {
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
            } else {
                InputStream in = Scenario.class.getResourceAsStream(
                        "/scenarios/" + nameOrFile.toLowerCase(Locale.ROOT) + ".properties");
                if (in == null || nameOrFile.contains("/")) {
                    throw new IllegalArgumentException("unknown scenario '" + nameOrFile + "' (a file, or one of "
                            + String.join(", ", builtIn()) + ")");
                }
                try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + nameOrFile + ": " + e.getMessage());
        }
        try {
            String channel = p.getProperty("incident.channel");
            return new Scenario(
                    p.getProperty("name", file.getFileName().toString()),
                    channel == null ? null : Channel.valueOf(channel.strip().toUpperCase(Locale.ROOT)),
                    Double.parseDouble(p.getProperty("incident.from", "0")),
                    Double.parseDouble(p.getProperty("incident.to", channel == null ? "0" : "1")),
                    Double.parseDouble(p.getProperty("reply-delay-factor", "1")),
                    Double.parseDouble(p.getProperty("arrival-factor", "1")),
                    Double.parseDouble(p.getProperty("nps-shift", "0")),
                    Boolean.parseBoolean(p.getProperty("agents-offline", "false").strip()),
                    share(p, "cancellation-share"),
                    Boolean.parseBoolean(p.getProperty("channel-down", "false").strip()),
                    share(p, "invalid-score-share"),
                    true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scenario " + nameOrFile + ": " + e.getMessage());
        }
    }

    private static double share(Properties p, String key) {
        double value = Double.parseDouble(p.getProperty(key, "0"));
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(key + " must be between 0 and 1, got " + value);
        }
        return value;
    }

    boolean affects(Channel channel, long at, long start, Duration duration) {
        if (channel != incidentChannel) {
            return false;
        }
        double fraction = (double) (at - start) / duration.toMillis();
        return fraction >= incidentFrom && fraction < incidentTo;
    }

    long incidentEnd(long start, Duration duration) {
        return start + (long) (incidentTo * duration.toMillis());
    }
}
