package io.touchpoint.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.pipeline.PipelineCount;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class IngestOperatorTest {

    private static long t(String time) {
        return Instant.parse("2026-11-02T" + time + "Z").toEpochMilli();
    }

    private static Ingested survey(long at) {
        Ingested in = new Ingested();
        in.topic = "cx.surveys";
        in.payload = new byte[] {1, 2, 3};
        in.survey = new Survey();
        in.survey.occurredAt = at;
        return in;
    }

    @Test
    void routesTooLateAndRejectedRecordsToDeadLettersAndCountsThem() throws Exception {
        try (OneInputStreamOperatorTestHarness<Ingested, Ingested> harness =
                new OneInputStreamOperatorTestHarness<>(new IngestOperator("cx.surveys", 3_600_000L, 10_000L))) {
            harness.open();
            harness.processElement(survey(t("12:00:00")), t("12:00:00"));
            harness.processWatermark(t("12:00:00"));
            // minute 10:59 closed at 11:00, exactly one hour before: too late
            harness.processElement(survey(t("10:59:59")), t("10:59:59"));
            // minute 11:00 closes at 11:01, within the hour: a valid late update
            harness.processElement(survey(t("11:00:00")), t("11:00:00"));
            Ingested garbage = new Ingested();
            garbage.topic = "cx.surveys";
            garbage.payload = new byte[] {(byte) 0xC3};
            garbage.reject(DeadLetterReason.DECODE_ERROR, "truncated");
            harness.processElement(garbage, Long.MIN_VALUE);
            harness.processWatermark(Long.MAX_VALUE);

            List<Ingested> valid = harness.extractOutputValues();
            assertThat(valid).extracting(Ingested::eventTime).containsExactly(t("12:00:00"), t("11:00:00"));
            assertThat(valid).allSatisfy(in -> assertThat(in.payload).isNull());

            List<Ingested> dead = harness.getSideOutput(IngestOperator.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(in -> in.rejection)
                    .containsExactly(DeadLetterReason.TOO_LATE, DeadLetterReason.DECODE_ERROR);
            assertThat(dead.get(0).payload).containsExactly(1, 2, 3);

            List<PipelineCount> counts = harness.getSideOutput(IngestOperator.PIPELINE).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(counts).hasSize(1);
            PipelineCount c = counts.get(0);
            assertThat(c.source).isEqualTo("cx.surveys");
            assertThat(c.recordsIn).isEqualTo(4);
            assertThat(c.deadLetter).isEqualTo(2);
            assertThat(c.tooLate).isEqualTo(1);
            assertThat(c.duplicates).isZero();
        }
    }
}
