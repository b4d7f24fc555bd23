package io.touchpoint.ingest;

import io.touchpoint.avro.DeadLetterReason;

/**
 * One record read from an input topic: where it came from, and either the validated event or why it was rejected.
 * The original bytes travel with it until the ingest step has decided whether it is a dead letter.
 */
public class Ingested {
    public String topic;
    public int partition;
    public long offset;
    /** Wall-clock time at which the job read the record. */
    public long receivedAt;
    public byte[] payload;

    /** Exactly one of interaction, survey and rejection is set. */
    public Interaction interaction;
    public Survey survey;
    public DeadLetterReason rejection;
    public String detail;

    public Ingested() {}

    public boolean isValid() {
        return rejection == null;
    }

    /** Event time of a valid record; {@link Long#MIN_VALUE} for a rejected one, so it never moves a watermark. */
    public long eventTime() {
        if (interaction != null) {
            return interaction.occurredAt;
        }
        if (survey != null) {
            return survey.occurredAt;
        }
        return Long.MIN_VALUE;
    }

    public void reject(DeadLetterReason reason, String why) {
        this.interaction = null;
        this.survey = null;
        this.rejection = reason;
        this.detail = why;
    }
}
