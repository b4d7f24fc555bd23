package io.touchpoint.survey;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.junit.jupiter.api.Test;

/**
 * The guard split in three: candidates (first survey of each touchpoint per subtask), the guard's admissions, and the
 * tags applied to every survey; together they tag the surveys as the guard alone did.
 */
class TouchpointTagsTest {

    private static int next;

    private static Survey survey(Channel channel, String touchpoint) {
        Survey s = new Survey();
        s.responseId = "r" + next++;
        s.channel = channel;
        s.touchpoint = touchpoint;
        s.survey = SurveyType.NPS;
        s.score = 9;
        return s;
    }

    @Test
    void onlyTheFirstSurveyOfEachTouchpointIsACandidate() throws Exception {
        try (OneInputStreamOperatorTestHarness<Survey, Survey> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new TouchpointCandidates()))) {
            h.open();
            for (String[] in : new String[][] {{"CHAT", "billing"}, {"CHAT", "billing"}, {"EMAIL", "billing"},
                    {"CHAT", "other"}, {"CHAT", "orders"}, {"CHAT", "billing"}}) {
                h.processElement(survey(Channel.valueOf(in[0]), in[1]), 0);
            }
            assertThat(h.extractOutputValues()).hasSize(6);
            assertThat(h.getSideOutput(TouchpointCandidates.CANDIDATES)).extracting(r -> r.getValue().channel + "/"
                    + r.getValue().touchpoint).containsExactly("CHAT/billing", "EMAIL/billing", "CHAT/orders");
        }
    }

    @Test
    void theGuardAnnouncesEachAdmissionAndAFullChannel() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Survey, Survey> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TouchpointGuard(2)),
                        s -> TagValues.channel(s.channel), Types.STRING)) {
            h.open();
            for (String tp : new String[] {"billing", "orders", "returns"}) {
                h.processElement(survey(Channel.CHAT, tp), 0);
            }
            assertThat(h.getSideOutput(TouchpointGuard.ADMISSIONS)).extracting(r -> r.getValue().toString())
                    .containsExactly("chat/billing admitted", "chat/orders admitted", "chat full", "chat full");
        }
    }

    @Test
    void aSurveyWaitsForItsTouchpointsDecision() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Survey, TouchpointAdmission, Survey> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new TouchpointTags(),
                        s -> s.responseId, Types.STRING, TouchpointTags.DECISIONS)) {
            h.processElement(survey(Channel.CHAT, "billing"), 0);
            h.processElement(survey(Channel.CHAT, "returns"), 0);
            h.processElement(survey(Channel.CHAT, "other"), 0);
            assertThat(tags(h)).containsExactly("CHAT/other"); // never admitted: no decision to wait for
            h.processBroadcastElement(TouchpointAdmission.admitted("chat", "billing"), 0);
            assertThat(tags(h)).containsExactly("CHAT/other", "CHAT/billing");
            h.processElement(survey(Channel.CHAT, "billing"), 0);
            h.processBroadcastElement(TouchpointAdmission.full("chat"), 0);
            h.processElement(survey(Channel.CHAT, "vip"), 0);
            h.processElement(survey(Channel.EMAIL, "vip"), 0);
            assertThat(tags(h)).containsExactly("CHAT/other", "CHAT/billing", "CHAT/billing", "CHAT/other",
                    "CHAT/other");
        }
    }

    private static List<String> tags(KeyedBroadcastOperatorTestHarness<String, Survey, TouchpointAdmission, Survey> h) {
        List<String> tags = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Survey s) {
                tags.add(s.channel + "/" + s.touchpoint);
            }
        }
        return tags;
    }
}
