package io.touchpoint.simulate;

import io.touchpoint.avro.Channel;
import java.time.Duration;
import java.util.Locale;

/**
 * What the simulated contact centre goes through: steady traffic, optionally with one incident on one channel in
 * a part of the run (given as fractions of the duration): reply delays multiplied, arrivals multiplied, NPS
 * shifted, or agents offline (no human reply at all until the incident ends).
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
        boolean dayCurve) {

    public static Scenario steady() {
        return new Scenario("steady", null, 0, 0, 1, 1, 0, false, true);
    }

    /** The same scenario at daytime volume around the clock, so a short run shows busy traffic at any hour. */
    public Scenario daytimeAllDay() {
        return new Scenario(name, incidentChannel, incidentFrom, incidentTo, replyDelayFactor, arrivalFactor, npsShift,
                agentsOffline, false);
    }

    /** Built-in scenarios by name: {@code steady}, {@code email-outage}, {@code chat-surge}, {@code nps-drop}. */
    public static Scenario named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "steady" -> steady();
            // E-mail replies six times slower in the second half, and customers feel it.
            case "email-outage" -> new Scenario("email-outage", Channel.EMAIL, 0.5, 1.0, 6, 1, -3, false, true);
            // Three times the chat arrivals for the middle third; the same agents, so replies slow down.
            case "chat-surge" -> new Scenario("chat-surge", Channel.CHAT, 0.33, 0.67, 4, 3, -1, false, true);
            // Phone NPS drops by four points in the second half (a bad product release, say).
            case "nps-drop" -> new Scenario("nps-drop", Channel.PHONE, 0.5, 1.0, 1, 1, -4, false, true);
            // Nobody answers chat in the second half.
            case "chat-agents-offline" -> new Scenario("chat-agents-offline", Channel.CHAT, 0.5, 1.0, 1, 1, -2, true, true);
            default -> throw new IllegalArgumentException("unknown scenario '" + name
                    + "' (steady, email-outage, chat-surge, nps-drop, chat-agents-offline)");
        };
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
