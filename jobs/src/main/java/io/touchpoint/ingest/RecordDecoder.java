package io.touchpoint.ingest;

import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.schemas.CodecException;
import io.touchpoint.schemas.SingleObjectCodec;
import java.io.Serializable;

/**
 * The one event decoder: turns the bytes of one input record into an {@link Ingested} — the validated event, or the
 * dead-letter reason (DECODE_ERROR, UNKNOWN_SCHEMA, INVALID_FIELD, OUT_OF_RANGE, FUTURE_TIMESTAMP, TOO_OLD). TOO_LATE is
 * decided later, against the watermark.
 */
public final class RecordDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What an input topic carries. */
    public enum Kind {
        INTERACTIONS,
        SURVEYS
    }

    private final Kind kind;
    private final long futureToleranceMillis;
    private final long maxAgeMillis;
    private transient SingleObjectCodec<InteractionEvent> interactions;
    private transient SingleObjectCodec<SurveyResponse> surveys;
    private transient FieldRules rules;

    public RecordDecoder(Kind kind, long futureToleranceMillis, long maxAgeMillis) {
        this.kind = kind;
        this.futureToleranceMillis = futureToleranceMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    public Kind kind() {
        return kind;
    }

    public Ingested decode(String topic, int partition, long offset, byte[] payload, long nowMillis) {
        if (rules == null) {
            rules = new FieldRules(futureToleranceMillis, maxAgeMillis);
            interactions = SingleObjectCodec.interactions();
            surveys = SingleObjectCodec.surveys();
        }
        Ingested in = new Ingested();
        in.topic = topic;
        in.partition = partition;
        in.offset = offset;
        in.receivedAt = nowMillis;
        in.payload = payload;
        try {
            if (kind == Kind.INTERACTIONS) {
                InteractionEvent event = interactions.decode(payload);
                FieldRules.Violation v = rules.check(event, nowMillis);
                if (v == null) {
                    in.interaction = toInteraction(event);
                } else {
                    in.reject(v.reason(), v.detail());
                }
            } else {
                SurveyResponse response = surveys.decode(payload);
                FieldRules.Violation v = rules.check(response, nowMillis);
                if (v == null) {
                    in.survey = toSurvey(response);
                } else {
                    in.reject(v.reason(), v.detail());
                }
            }
        } catch (CodecException e) {
            in.reject(e.kind() == CodecException.Kind.UNKNOWN_SCHEMA
                    ? DeadLetterReason.UNKNOWN_SCHEMA
                    : DeadLetterReason.DECODE_ERROR, e.getMessage());
        }
        return in;
    }

    static Interaction toInteraction(InteractionEvent e) {
        Interaction i = new Interaction();
        i.eventId = e.getEventId();
        i.occurredAt = e.getOccurredAt().toEpochMilli();
        i.channel = e.getChannel();
        i.touchpoint = TagValues.touchpoint(e.getTouchpoint());
        i.customerId = e.getCustomerId();
        i.conversationId = e.getConversationId();
        i.type = e.getType();
        i.agentId = e.getAgentId();
        i.sentiment = e.getSentiment() == null ? Float.NaN : e.getSentiment();
        return i;
    }

    static Survey toSurvey(SurveyResponse r) {
        Survey s = new Survey();
        s.responseId = r.getResponseId();
        s.occurredAt = r.getOccurredAt().toEpochMilli();
        s.channel = r.getChannel();
        s.touchpoint = TagValues.touchpoint(r.getTouchpoint());
        s.customerId = r.getCustomerId();
        s.conversationId = r.getConversationId();
        s.survey = r.getSurvey();
        s.score = r.getScore();
        return s;
    }
}
