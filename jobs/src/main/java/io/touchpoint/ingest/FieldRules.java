package io.touchpoint.ingest;

import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.config.MonitorOptions;
import java.time.Duration;
import java.time.Instant;

/**
 * The field rules of SPEC §2 and §5. A check returns null when the record is valid, else the reason and a detail
 * naming the field; the first broken rule wins. An event time is plausible from {@code ingest.max-age} before the wall
 * clock to {@code ingest.future-tolerance} after it; outside that it is a clock fault (an unset clock reads 1970, a
 * flipped bit 1913 or 3000), not data, and would otherwise hold windows and gauges open for days of event time.
 *
 * <p>Beyond the spec: a touchpoint with a control character is INVALID_FIELD, because it becomes a tag value and
 * no escaping makes a newline safe in line protocol.
 */
public final class FieldRules {

    public static final int MAX_ID = 128;
    public static final int MAX_TOUCHPOINT = 64;
    public static final int MAX_COMMENT = 4096;

    private final long futureToleranceMillis;
    private final long maxAgeMillis;

    /** With the default {@code ingest.max-age}. */
    public FieldRules(long futureToleranceMillis) {
        this(futureToleranceMillis, MonitorOptions.MAX_AGE.defaultValue().toMillis());
    }

    public FieldRules(long futureToleranceMillis, long maxAgeMillis) {
        this.futureToleranceMillis = futureToleranceMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** A broken rule: the dead-letter reason and a one-line detail. */
    public record Violation(DeadLetterReason reason, String detail) {}

    public Violation check(InteractionEvent e, long nowMillis) {
        Violation v = firstOf(
                id("event_id", e.getEventId()),
                id("customer_id", e.getCustomerId()),
                id("conversation_id", e.getConversationId()),
                touchpoint(e.getTouchpoint()));
        if (v != null) {
            return v;
        }
        Float sentiment = e.getSentiment();
        if (sentiment != null && !(sentiment >= -1f && sentiment <= 1f)) {
            return new Violation(DeadLetterReason.OUT_OF_RANGE, "sentiment " + sentiment + " is outside [-1, 1]");
        }
        return time(e.getOccurredAt(), nowMillis);
    }

    public Violation check(SurveyResponse s, long nowMillis) {
        Violation v = firstOf(
                id("response_id", s.getResponseId()),
                id("customer_id", s.getCustomerId()),
                s.getConversationId() == null ? null : id("conversation_id", s.getConversationId()),
                touchpoint(s.getTouchpoint()));
        if (v != null) {
            return v;
        }
        if (s.getComment() != null && s.getComment().length() > MAX_COMMENT) {
            return new Violation(DeadLetterReason.INVALID_FIELD,
                    "comment has " + s.getComment().length() + " chars, at most " + MAX_COMMENT);
        }
        int score = s.getScore();
        int min = s.getSurvey() == io.touchpoint.avro.SurveyType.NPS ? 0 : 1;
        int max = switch (s.getSurvey()) {
            case NPS -> 10;
            case CSAT -> 5;
            case CES -> 7;
        };
        if (score < min || score > max) {
            return new Violation(DeadLetterReason.OUT_OF_RANGE,
                    s.getSurvey() + " score " + score + " is outside " + min + "-" + max);
        }
        return time(s.getOccurredAt(), nowMillis);
    }

    private Violation time(Instant occurredAt, long nowMillis) {
        if (occurredAt.toEpochMilli() > nowMillis + futureToleranceMillis) {
            return new Violation(DeadLetterReason.FUTURE_TIMESTAMP,
                    "occurred_at " + occurredAt + " is more than " + futureToleranceMillis / 1000
                            + " s ahead of the wall clock " + Instant.ofEpochMilli(nowMillis));
        }
        if (occurredAt.toEpochMilli() < nowMillis - maxAgeMillis) {
            return new Violation(DeadLetterReason.TOO_OLD,
                    "occurred_at " + occurredAt + " is more than " + Duration.ofMillis(maxAgeMillis).toDays()
                            + " days before the wall clock " + Instant.ofEpochMilli(nowMillis));
        }
        return null;
    }

    private static Violation id(String field, String value) {
        if (value == null || value.isEmpty()) {
            return new Violation(DeadLetterReason.INVALID_FIELD, field + " is empty");
        }
        if (value.length() > MAX_ID) {
            return new Violation(DeadLetterReason.INVALID_FIELD,
                    field + " has " + value.length() + " chars, at most " + MAX_ID);
        }
        return null;
    }

    private static Violation touchpoint(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_TOUCHPOINT) {
            return new Violation(DeadLetterReason.INVALID_FIELD,
                    "touchpoint has " + value.length() + " chars, at most " + MAX_TOUCHPOINT);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return new Violation(DeadLetterReason.INVALID_FIELD, "touchpoint contains a control character");
            }
        }
        return null;
    }

    private static Violation firstOf(Violation... candidates) {
        for (Violation v : candidates) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
