package io.touchpoint.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FieldRulesTest {

    private static final long NOW = Instant.parse("2026-11-02T12:00:00Z").toEpochMilli();
    private final FieldRules rules = new FieldRules(5 * 60_000L);

    private static InteractionEvent.Builder interaction() {
        return InteractionEvent.newBuilder().setEventId("e-1").setOccurredAt(Instant.ofEpochMilli(NOW))
                .setChannel(Channel.CHAT).setCustomerId("c-1").setConversationId("v-1")
                .setType(InteractionType.CUSTOMER_MESSAGE);
    }

    private static SurveyResponse.Builder survey(SurveyType type, int score) {
        return SurveyResponse.newBuilder().setResponseId("r-1").setOccurredAt(Instant.ofEpochMilli(NOW))
                .setChannel(Channel.EMAIL).setCustomerId("c-1").setSurvey(type).setScore(score);
    }

    private DeadLetterReason reason(InteractionEvent e) {
        FieldRules.Violation v = rules.check(e, NOW);
        return v == null ? null : v.reason();
    }

    private DeadLetterReason reason(SurveyResponse s) {
        FieldRules.Violation v = rules.check(s, NOW);
        return v == null ? null : v.reason();
    }

    @Test
    void validRecordsPass() {
        assertThat(reason(interaction().build())).isNull();
        assertThat(reason(interaction().setTouchpoint("x".repeat(64)).setSentiment(-1f).build())).isNull();
        assertThat(reason(survey(SurveyType.NPS, 0).build())).isNull();
        assertThat(reason(survey(SurveyType.CES, 7).setComment("y".repeat(4096)).build())).isNull();
    }

    @Test
    void idsMustHaveOneTo128Chars() {
        assertThat(reason(interaction().setEventId("").build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(interaction().setEventId("e".repeat(128)).build())).isNull();
        assertThat(reason(interaction().setEventId("e".repeat(129)).build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(interaction().setCustomerId("").build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(interaction().setConversationId("c".repeat(129)).build()))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(survey(SurveyType.NPS, 9).setResponseId("").build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(survey(SurveyType.NPS, 9).setConversationId("").build()))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rules.check(interaction().setEventId("").build(), NOW).detail()).isEqualTo("event_id is empty");
    }

    @Test
    void touchpointsAreAtMost64CharsWithoutControlCharacters() {
        assertThat(reason(interaction().setTouchpoint("t".repeat(65)).build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(interaction().setTouchpoint("bill\ning").build())).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(reason(interaction().setTouchpoint("a,b c=\"d\"").build())).isNull();
    }

    @Test
    void scoresAndSentimentOutOfRange() {
        assertThat(reason(survey(SurveyType.NPS, 11).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.NPS, -1).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.CSAT, 0).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.CSAT, 6).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.CES, 8).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.CES, 1).build())).isNull();
        assertThat(reason(interaction().setSentiment(1.01f).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(interaction().setSentiment(Float.NaN).build())).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason(survey(SurveyType.NPS, 9).setComment("z".repeat(4097)).build()))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
    }

    @Test
    void moreThanFiveMinutesAheadOfTheWallClockIsFutureTimestamp() {
        assertThat(reason(interaction().setOccurredAt(Instant.ofEpochMilli(NOW + 300_000)).build())).isNull();
        assertThat(reason(interaction().setOccurredAt(Instant.ofEpochMilli(NOW + 300_001)).build()))
                .isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
        assertThat(reason(survey(SurveyType.NPS, 9).setOccurredAt(Instant.parse("2100-01-01T00:00:00Z")).build()))
                .isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
    }

    @Test
    void olderThanTheMaximumAgeIsTooOld() {
        long maxAge = 400 * 86_400_000L; // the default ingest.max-age
        assertThat(reason(interaction().setOccurredAt(Instant.ofEpochMilli(NOW - maxAge)).build())).isNull();
        assertThat(reason(interaction().setOccurredAt(Instant.ofEpochMilli(NOW - maxAge - 1)).build()))
                .isEqualTo(DeadLetterReason.TOO_OLD);
        // an unset clock and a flipped bit
        assertThat(reason(interaction().setOccurredAt(Instant.EPOCH).build())).isEqualTo(DeadLetterReason.TOO_OLD);
        FieldRules.Violation v = rules.check(
                survey(SurveyType.NPS, 9).setOccurredAt(Instant.parse("1913-02-11T04:12:00Z")).build(), NOW);
        assertThat(v.reason()).isEqualTo(DeadLetterReason.TOO_OLD);
        assertThat(v.detail()).isEqualTo(
                "occurred_at 1913-02-11T04:12:00Z is more than 400 days before the wall clock 2026-11-02T12:00:00Z");
        // a shorter horizon from the configuration
        FieldRules week = new FieldRules(300_000, 7 * 86_400_000L);
        assertThat(week.check(interaction().setOccurredAt(Instant.ofEpochMilli(NOW - 8 * 86_400_000L)).build(), NOW)
                .reason()).isEqualTo(DeadLetterReason.TOO_OLD);
    }
}
