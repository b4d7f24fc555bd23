package io.touchpoint.pipeline;

/** Counts of one input topic since the last report, and that reporter's watermark (SPEC §4.7). */
public class PipelineCount {
    public String source;
    public long recordsIn;
    /** Every record sent to the dead letters, TOO_LATE included. */
    public long deadLetter;
    public long duplicates;
    public long tooLate;
    /** The reporting operator's current watermark; {@link Long#MIN_VALUE} when it has none. */
    public long watermark = Long.MIN_VALUE;
    /** Which parallel instance of the reporting operator sent this; the source's watermark is their minimum. */
    public int reporter;
    /**
     * Kept by the health function across reports: how long after its end the last minute's windows were written
     * (processing time when the watermark passed the minute's end, minus that end), {@link Long#MIN_VALUE} before
     * the first; and the event-time timer that measures the next minute.
     */
    public long windowDelayMillis = Long.MIN_VALUE;
    public long windowTimer = Long.MIN_VALUE;

    public PipelineCount() {}

    public static PipelineCount duplicate(String source) {
        PipelineCount c = new PipelineCount();
        c.source = source;
        c.duplicates = 1;
        return c;
    }

    public boolean isEmpty() {
        return recordsIn == 0 && deadLetter == 0 && duplicates == 0 && tooLate == 0;
    }

    public void addAll(PipelineCount other) {
        recordsIn += other.recordsIn;
        deadLetter += other.deadLetter;
        duplicates += other.duplicates;
        tooLate += other.tooLate;
    }
}
