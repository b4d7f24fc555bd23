package io.touchpoint.survey;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TouchpointGuardTest {

    @Test
    void touchpointsBeyondTheLimitPerChannelBecomeOther() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Survey, Survey> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TouchpointGuard(2)),
                        s -> TagValues.channel(s.channel),
                        Types.STRING)) {
            harness.open();
            String[][] input = {
                {"CHAT", "billing"}, {"CHAT", "orders"}, {"CHAT", "returns"}, {"CHAT", "billing"},
                {"EMAIL", "returns"}, {"CHAT", "unknown"}, {"EMAIL", "orders"}, {"EMAIL", "vip"},
            };
            long ts = 0;
            for (String[] in : input) {
                harness.processElement(survey(Channel.valueOf(in[0]), in[1]), ts++);
            }
            assertThat(harness.extractOutputValues()).extracting(s -> s.channel + "/" + s.touchpoint).containsExactly(
                    "CHAT/billing", "CHAT/orders", "CHAT/other", "CHAT/billing",
                    "EMAIL/returns", "CHAT/other", "EMAIL/orders", "EMAIL/other");
        }
    }

    private static Survey survey(Channel channel, String touchpoint) {
        Survey s = new Survey();
        s.responseId = "r-" + touchpoint;
        s.channel = channel;
        s.touchpoint = touchpoint;
        s.survey = SurveyType.NPS;
        s.score = 9;
        return s;
    }
}
