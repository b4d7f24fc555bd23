package io.touchpoint.window;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The first step of spreading a channel's minute panes over the cluster: chained to the operator that produces the
 * elements (keyed by conversation, so even over any parallelism), it adds them up per (channel, minute) in this
 * subtask and sends one partial per (channel, minute) on when the watermark passes the minute, instead of every
 * element. An element whose minute the watermark has passed already (late, within the allowed lateness) is sent on
 * at once as a partial of one, so corrections go out as fast as before; so is a retraction whose element is not
 * held here any more.
 *
 * <p>No state in checkpoints: every partial held is sent on before each checkpoint barrier (and at the end of
 * input), so a checkpoint or savepoint finds nothing here, and a restore at any parallelism has nothing to
 * redistribute. A partial sent early is just one more partial of its minute; the element a retraction takes back
 * has therefore always been sent on ahead of the retraction on the same channel, or is held here.
 *
 * <p>Held in memory: per minute not yet passed by the watermark (one or two while data flows in time order), one
 * partial per channel with data.
 */
public class MinutePreAggregator<IN, P extends MinutePartial> extends AbstractStreamOperator<P>
        implements OneInputStreamOperator<IN, P>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final PartialPanes<IN, P> panes;
    private transient TreeMap<Long, Map<String, P>> held;
    private transient long watermark;

    public MinutePreAggregator(PartialPanes<IN, P> panes) {
        this.panes = panes;
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = new TreeMap<>();
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<IN> record) {
        IN element = record.getValue();
        long minute = Minutes.start(panes.timeOf(element));
        if (watermark != Long.MIN_VALUE && minute + Minutes.MINUTE - 1 <= watermark) {
            send(panes.of(element));
            return;
        }
        Map<String, P> byChannel = held.computeIfAbsent(minute, m -> new HashMap<>());
        String channel = panes.channelOf(element);
        P partial = byChannel.get(channel);
        if (panes.retracts(element)) {
            P retraction = panes.of(element);
            if (partial == null || !panes.takeBack(partial, retraction)) {
                send(retraction);
            }
        } else if (partial == null) {
            byChannel.put(channel, panes.of(element));
        } else {
            panes.add(partial, element);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        // every partial of a minute the watermark passes goes out before the watermark: downstream it is on time
        while (!held.isEmpty() && held.firstKey() + Minutes.MINUTE - 1 <= watermark) {
            sendAll(held.pollFirstEntry().getValue());
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
        flush();
    }

    private void flush() {
        while (!held.isEmpty()) {
            sendAll(held.pollFirstEntry().getValue());
        }
    }

    private void sendAll(Map<String, P> partials) {
        for (P partial : partials.values()) {
            if (!panes.isEmpty(partial)) {
                send(partial);
            }
        }
    }

    private void send(P partial) {
        panes.seal(partial);
        output.collect(new StreamRecord<>(partial, partial.minute + Minutes.MINUTE - 1));
    }
}
