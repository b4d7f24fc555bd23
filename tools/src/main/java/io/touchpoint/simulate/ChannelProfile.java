package io.touchpoint.simulate;

import io.touchpoint.avro.Channel;
import java.util.List;

/**
 * How one channel behaves in the simulation: peak arrivals per hour, the median first-reply delay and customer
 * patience (log-normal around them), whether a bot answers first, the touchpoints, and the usual NPS.
 */
record ChannelProfile(
        Channel channel,
        double peakPerHour,
        double medianReplySeconds,
        double medianPatienceSeconds,
        boolean botFirst,
        boolean textual,
        double meanNps,
        List<String> touchpoints) {

    static final List<ChannelProfile> ALL = List.of(
            new ChannelProfile(Channel.PHONE, 120, 35, 240, false, false, 8.2,
                    List.of("billing", "technical", "orders", "retention")),
            new ChannelProfile(Channel.CHAT, 150, 60, 600, true, true, 8.0,
                    List.of("billing", "technical", "orders", "returns", "onboarding")),
            new ChannelProfile(Channel.EMAIL, 80, 7_200, 172_800, false, true, 7.4,
                    List.of("billing", "orders", "returns", "complaints")),
            new ChannelProfile(Channel.SOCIAL, 30, 2_400, 21_600, false, true, 7.0,
                    List.of("AppleSupport", "TwitterCare", "FacebookPage")),
            new ChannelProfile(Channel.SMS, 25, 600, 7_200, false, true, 7.8,
                    List.of("delivery", "appointments")),
            new ChannelProfile(Channel.WEB, 40, 7_200, 172_800, true, true, 7.3,
                    List.of("contact-form", "help-center")),
            new ChannelProfile(Channel.APP, 50, 1_800, 21_600, true, true, 7.9,
                    List.of("in-app-chat", "feedback")),
            new ChannelProfile(Channel.STORE, 20, 180, 900, false, false, 8.5,
                    List.of("berlin-mitte", "munich-centre", "hamburg-port")));
}
