package io.touchpoint.simulate;

import io.touchpoint.avro.Channel;
import java.util.List;

/**
 * How one channel behaves in the simulation (in steady traffic the p90 first reply stays under the SLA target): peak arrivals per hour, the median first-reply delay and customer
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
            new ChannelProfile(Channel.PHONE, 240, 12, 240, false, false, 8.7,
                    List.of("billing", "technical", "orders", "retention")),
            new ChannelProfile(Channel.CHAT, 150, 30, 600, true, true, 8.6,
                    List.of("billing", "technical", "orders", "returns", "onboarding")),
            new ChannelProfile(Channel.EMAIL, 200, 3_600, 172_800, false, true, 8.0,
                    List.of("billing", "orders", "returns", "complaints")),
            new ChannelProfile(Channel.SOCIAL, 30, 1_200, 21_600, false, true, 7.6,
                    List.of("AppleSupport", "TwitterCare", "FacebookPage")),
            new ChannelProfile(Channel.SMS, 25, 240, 7_200, false, true, 8.3,
                    List.of("delivery", "appointments")),
            new ChannelProfile(Channel.WEB, 40, 3_600, 172_800, true, true, 7.9,
                    List.of("contact-form", "help-center")),
            new ChannelProfile(Channel.APP, 50, 900, 21_600, true, true, 8.4,
                    List.of("in-app-chat", "feedback")),
            new ChannelProfile(Channel.STORE, 20, 60, 900, false, false, 8.9,
                    List.of("berlin-mitte", "munich-centre", "hamburg-port")));
}
