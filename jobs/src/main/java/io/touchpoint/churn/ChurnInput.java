package io.touchpoint.churn;

import io.touchpoint.avro.InteractionType;
import io.touchpoint.frt.CycleOutcome;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.Objects;

/**
 * One thing that happened to a customer and may move their churn risk: a signal of SPEC §4.6, or a conversation
 * opening (which becomes a signal only when it is the third or later within 7 days).
 */
public class ChurnInput {

    /** The signal, or null for a conversation opening. */
    public ChurnPoints.Signal signal;
    public String customerId;
    public long at;
    public String channel;
    public String touchpoint;
    /**
     * Takes back an equal input sent before: a late event rebuilt a reply clock and this outcome no longer holds
     * ({@link CycleOutcome#retracted}). The customer is re-evaluated without it.
     */
    public boolean retracted;

    public ChurnInput() {}

    ChurnInput(ChurnPoints.Signal signal, String customerId, long at, String channel, String touchpoint) {
        this.signal = signal;
        this.customerId = customerId;
        this.at = at;
        this.channel = channel;
        this.touchpoint = touchpoint;
    }

    /** The same input, retracted or not. */
    public boolean sameAs(ChurnInput o) {
        return signal == o.signal && at == o.at && Objects.equals(customerId, o.customerId)
                && Objects.equals(channel, o.channel) && Objects.equals(touchpoint, o.touchpoint);
    }

    public boolean isOpening() {
        return signal == null;
    }

    /** The input of a survey answer, or null when the answer moves nothing (passives, CSAT 3-5, CES). */
    public static ChurnInput of(Survey s) {
        ChurnPoints.Signal signal = switch (s.survey) {
            case NPS -> s.score <= 3 ? ChurnPoints.Signal.NPS_DETRACTOR_LOW
                    : s.score <= 6 ? ChurnPoints.Signal.NPS_DETRACTOR
                    : s.score >= 9 ? ChurnPoints.Signal.NPS_PROMOTER : null;
            case CSAT -> s.score <= 2 ? ChurnPoints.Signal.CSAT_LOW : null;
            case CES -> null;
        };
        return signal == null ? null
                : new ChurnInput(signal, s.customerId, s.occurredAt, TagValues.channel(s.channel), s.touchpoint);
    }

    /** The input of an interaction, or null when it moves nothing. */
    public static ChurnInput of(Interaction i) {
        String channel = TagValues.channel(i.channel);
        if (i.type == InteractionType.CONVERSATION_OPENED) {
            return new ChurnInput(null, i.customerId, i.occurredAt, channel, i.touchpoint);
        }
        ChurnPoints.Signal signal = switch (i.type) {
            case CONVERSATION_REOPENED -> ChurnPoints.Signal.REOPEN;
            case CANCELLATION_REQUESTED -> ChurnPoints.Signal.CANCELLATION_REQUEST;
            case CUSTOMER_MESSAGE -> i.sentiment < -0.5f ? ChurnPoints.Signal.NEGATIVE_SENTIMENT : null;
            default -> null;
        };
        return signal == null ? null : new ChurnInput(signal, i.customerId, i.occurredAt, channel, i.touchpoint);
    }

    /**
     * The input of a cycle outcome, or null. A breach counts once: when the running clock passes its target (a reply
     * after the SLA always comes after that moment).
     */
    public static ChurnInput of(CycleOutcome o) {
        ChurnPoints.Signal signal = switch (o.kind) {
            case PASSED_SLA_UNANSWERED -> ChurnPoints.Signal.SLA_BREACH;
            case ABANDONED -> ChurnPoints.Signal.ABANDONED;
            default -> null;
        };
        if (signal == null) {
            return null;
        }
        ChurnInput input = new ChurnInput(signal, o.customerId, o.at, o.channel, o.touchpoint);
        input.retracted = o.retracted;
        return input;
    }
}
