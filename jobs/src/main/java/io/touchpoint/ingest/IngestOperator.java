package io.touchpoint.ingest;

import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.pipeline.PipelineCount;
import io.touchpoint.window.Minutes;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Right after each Kafka source: forwards valid events, sends every rejected record — and every event later than
 * the allowed lateness (TOO_LATE) — to the dead-letter output with its original bytes, and reports the counts of
 * its topic to the pipeline-health output.
 *
 * <p>Per partition it follows the bulk time of the valid events exactly as the watermark generator does (same rule,
 * same events, same order), for the {@link #HORIZON}; at the end of the input each partition contributes where its
 * data ends ({@link BulkClock#endOfInput()}). Like the counts, this is rebuilt after a restore, not checkpointed.
 *
 * <p>Counts are kept in plain fields (operator-local, not checkpointed: pipeline health is a processing-time
 * measurement) and reported every {@code reportIntervalMillis} of processing time, before the final watermark and
 * at end of input, so a bounded run reports everything it read.
 */
public class IngestOperator extends AbstractStreamOperator<Ingested>
        implements OneInputStreamOperator<Ingested, Ingested>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Ingested> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<PipelineCount> PIPELINE = new OutputTag<>("pipeline") {};
    /**
     * The time the bulk of a partition's events has reached ({@link BulkClock}, the rule of the watermark), announced
     * once per new minute, so the latest minute this instance has read. At the end of a bounded input, gauges stop at
     * the latest minute over all instances instead of running on to the end of time — or to a record whose clock
     * ran hours ahead.
     */
    public static final OutputTag<Long> HORIZON = new OutputTag<>("event-time-horizon") {};

    private final String source;
    private final long allowedLateness;
    private final long reportIntervalMillis;

    private transient PipelineCount pending;
    private transient long watermark;
    /** Start of the first minute whose events have not been announced on {@link #HORIZON} yet. */
    private transient long unannounced;
    /** Per partition read, the bulk time of its valid events. */
    private transient Map<Integer, BulkClock> partitions;

    public IngestOperator(String source, long allowedLatenessMillis, long reportIntervalMillis) {
        this.source = source;
        this.allowedLateness = allowedLatenessMillis;
        this.reportIntervalMillis = reportIntervalMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = newCount();
        watermark = Long.MIN_VALUE;
        unannounced = Long.MIN_VALUE;
        partitions = new HashMap<>();
        scheduleReport();
    }

    @Override
    public void processElement(StreamRecord<Ingested> element) {
        Ingested in = element.getValue();
        pending.recordsIn++;
        long bulkTime = Long.MIN_VALUE;
        if (in.isValid()) {
            bulkTime = partitions.computeIfAbsent(in.partition, p -> new BulkClock())
                    .observe(in.eventTime(), Long.MIN_VALUE);
        }
        if (in.isValid() && Minutes.tooLate(in.eventTime(), watermark, allowedLateness)) {
            in.reject(DeadLetterReason.TOO_LATE, "event time " + java.time.Instant.ofEpochMilli(element.getTimestamp())
                    + " is more than the allowed lateness behind the watermark "
                    + java.time.Instant.ofEpochMilli(watermark));
            pending.tooLate++;
        }
        // The horizon is announced once per new minute as it grows, not only at the end: the gauges' broadcast state
        // then holds it in every checkpoint, and a job restored after this source had read everything still knows
        // where to stop.
        announce(bulkTime);
        if (in.isValid()) {
            in.payload = null;
            output.collect(element);
        } else {
            pending.deadLetter++;
            output.collect(DEAD_LETTERS, element);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            long end = Long.MIN_VALUE;
            for (BulkClock partition : partitions.values()) {
                end = Math.max(end, partition.endOfInput());
            }
            announce(end);
            if (end > watermark) {
                // The clock first moves to the last time the data reached, so that moments within the data (a reply
                // target passing, an expiry) happen as in any run; only what lies beyond it meets the end of input.
                // Without this, a partition too small for a bulk would have met every moment at the end.
                watermark = end;
                output.emitWatermark(new Watermark(end));
            }
            // The last report of a bounded run carries that last event-time watermark, so the final pipeline point
            // says how far behind the wall clock the data was; the end-of-input watermark itself says nothing.
            // Downstream flushes its last points on the final watermark: report before it passes.
            reportIfAny();
        }
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void endInput() {
        reportIfAny();
    }

    private void announce(long time) {
        if (time != Long.MIN_VALUE && time >= unannounced) {
            output.collect(HORIZON, new StreamRecord<>(time));
            unannounced = Minutes.start(time) + Minutes.MINUTE;
        }
    }

    private void reportIfAny() {
        if (!pending.isEmpty()) {
            report();
        }
    }

    private void scheduleReport() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + reportIntervalMillis, time -> {
            report();
            scheduleReport();
        });
    }

    /** Reports even an empty count, so pipeline health is written every minute while the job runs. */
    private void report() {
        pending.watermark = watermark;
        output.collect(PIPELINE, new StreamRecord<>(pending));
        pending = newCount();
    }

    private PipelineCount newCount() {
        PipelineCount c = new PipelineCount();
        c.source = source;
        c.reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        return c;
    }
}
