package io.touchpoint.churn;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * {@link ChurnOperator} under test as the job runs it: inputs keyed by customer, the run's horizon (and the ingest
 * watermarks) on the broadcast side.
 */
final class ChurnHarness implements AutoCloseable {

    private final KeyedTwoInputStreamOperatorTestHarness<String, ChurnInput, Long, LevelChange> harness;

    ChurnHarness(ChurnOperator operator) throws Exception {
        this(operator, null);
    }

    /** The operator started from {@code restored} (a {@link #snapshot}), or empty when null. */
    ChurnHarness(ChurnOperator operator, OperatorSubtaskState restored) throws Exception {
        this(operator, restored, null);
    }

    /** As above, on {@code backend} (the harness's heap backend when null). */
    ChurnHarness(ChurnOperator operator, OperatorSubtaskState restored, StateBackend backend) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(operator, c -> c.customerId, horizon -> "",
                Types.STRING);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    OperatorSubtaskState snapshot() throws Exception {
        return harness.snapshot(1L, 1L);
    }

    /** Customers with an instant still to come: what Flink's timer service would hold timers for. */
    int pendingCustomers() throws Exception {
        return ((ChurnOperator) harness.getOperator()).pendingCustomers();
    }

    void processElement(ChurnInput input, long timestamp) throws Exception {
        harness.processElement1(new StreamRecord<>(input, timestamp));
    }

    void processBroadcastElement(long lastEventTime, long timestamp) throws Exception {
        harness.processElement2(new StreamRecord<>(lastEventTime, timestamp));
    }

    void processWatermark(long at) throws Exception {
        harness.processWatermark1(new Watermark(at));
    }

    void processBroadcastWatermark(long at) throws Exception {
        harness.processWatermark2(new Watermark(at));
    }

    List<LevelChange> extractOutputValues() {
        return harness.extractOutputValues();
    }

    ConcurrentLinkedQueue<StreamRecord<LevelChange>> getSideOutput(OutputTag<LevelChange> tag) {
        return harness.getSideOutput(tag);
    }

    AbstractStreamOperator<?> getOperator() {
        return (AbstractStreamOperator<?>) harness.getOperator();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
