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

    private static Ingested survey(int partition, long at) {
        Ingested in = survey(at);
        in.partition = partition;
        return in;
    }

    @Test
    void recordsAheadOfTheBulkPassAsValidAndTheHorizonFollowsTheBulk() throws Exception {
        long tenHours = 10 * 3_600_000L;
        try (OneInputStreamOperatorTestHarness<Ingested, Ingested> harness =
                new OneInputStreamOperatorTestHarness<>(new IngestOperator("cx.surveys", 3_600_000L, 10_000L))) {
            harness.open();
            // partition 0: three records ten hours ahead, then one a minute from 12:00 to 12:29
            for (int i = 0; i < 3; i++) {
                harness.processElement(survey(0, t("12:00:00") + tenHours), t("12:00:00") + tenHours);
            }
            for (int i = 0; i < 30; i++) {
                harness.processElement(survey(0, t("12:00:00") + i * 60_000L), t("12:00:00") + i * 60_000L);
            }
            // the watermark the generator derives from that: 12:29:00 - 10 s - 1 ms; nothing is late
            harness.processWatermark(t("12:28:49.999"));
            // partition 1: five records, too few for a bulk; the latest one counts at the end
            for (int i = 0; i < 5; i++) {
                harness.processElement(survey(1, t("12:20:00") + i * 30_000L), t("12:20:00") + i * 30_000L);
            }
            List<Long> horizonBeforeTheEnd = horizon(harness);
            harness.processWatermark(Long.MAX_VALUE);

            assertThat(harness.extractOutputValues()).hasSize(38);
            assertThat(harness.getSideOutput(IngestOperator.DEAD_LETTERS)).isNullOrEmpty();
            // partition 0 has a bulk with its 16th record (the 13th ordinary one, at 12:12: from 12:00, the oldest
            // of 16, one a minute on) and then moves every minute; the records ten hours ahead are never announced
            assertThat(horizonBeforeTheEnd).first().isEqualTo(t("12:12:00"));
            assertThat(horizonBeforeTheEnd).hasSize(18).last().isEqualTo(t("12:29:00"));
            // at the end partition 1 adds nothing new: its latest, 12:22:00, is before 12:29
            assertThat(horizon(harness)).isEqualTo(horizonBeforeTheEnd);
        }
    }

    private static List<Long> horizon(OneInputStreamOperatorTestHarness<Ingested, Ingested> harness) {
        var out = harness.getSideOutput(IngestOperator.HORIZON);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aPartitionWithoutABulkAnnouncesItsLatestEventAtTheEnd() throws Exception {
        try (OneInputStreamOperatorTestHarness<Ingested, Ingested> harness =
                new OneInputStreamOperatorTestHarness<>(new IngestOperator("cx.surveys", 3_600_000L, 10_000L))) {
            harness.open();
            harness.processElement(survey(2, t("12:00:00")), t("12:00:00"));
            harness.processElement(survey(2, t("12:07:30")), t("12:07:30"));
            harness.processElement(survey(2, t("12:03:00")), t("12:03:00"));
            assertThat(horizon(harness)).isEmpty();
            harness.processWatermark(Long.MAX_VALUE);
            assertThat(horizon(harness)).containsExactly(t("12:07:30"));
        }
    }
}
