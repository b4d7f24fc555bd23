package io.touchpoint.cli;

import io.touchpoint.avro.RiskLevel;
import io.touchpoint.churn.ChurnPoints;
import io.touchpoint.churn.ChurnState;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * {@code touchpoint bench churn-state [--customers N]}: memory of the churn-risk state per tracked customer.
 * Builds N customers' state as the job keeps it (a typical mix of signals and recent conversation openings) in a
 * map like the heap state backend's, and reports the heap retained per customer after a full GC, and the size of
 * the same state serialized by Flink (what a RocksDB state backend or a checkpoint stores).
 */
final class ChurnStateBench {

    private ChurnStateBench() {}

    static int run(long customers, PrintStream out) throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        long base = 1_793_000_000_000L;
        long before = usedAfterGc();
        Map<String, ChurnState> states = new HashMap<>((int) Math.min(Integer.MAX_VALUE, customers * 4 / 3 + 1));
        TypeSerializer<ChurnState> serializer = TypeInformation.of(ChurnState.class)
                .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer buffer = new DataOutputSerializer(256);
        long serialized = 0;
        for (long i = 0; i < customers; i++) {
            ChurnState s = new ChurnState();
            // most customers have one or two live signals and a conversation opened recently
            int signals = 1 + (random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(3));
            s.addOpening(base - 86_400_000L - random.nextLong(3_600_000L));
            for (int k = 0; k < signals; k++) {
                s.addSignal(k == 0 ? ChurnPoints.Signal.NPS_PROMOTER : ChurnPoints.Signal.SLA_BREACH,
                        base - random.nextLong(86_400_000L));
            }
            s.lastEvent = base;
            // a customer above LOW keeps where the level is attributed; the touchpoint is a string of its own, as
            // decoded from a record
            if (signals > 2) {
                s.setLevel(RiskLevel.MEDIUM, "chat", new String("billing".toCharArray()));
            }
            String customer = "cust-" + i;
            states.put(customer, s);
            if (i < 100_000) {
                buffer.clear();
                serializer.serialize(s, buffer);
                serialized += buffer.length() + customer.length() + 2;
            }
        }
        long after = usedAfterGc();
        double perCustomer = (double) (after - before) / customers;
        out.printf("churn state: %,d customers, %,.0f MiB of heap, %.0f bytes per customer on the heap "
                + "(HashMap entry, key and state objects)%n", customers, (after - before) / 1048576.0, perCustomer);
        out.printf("             %.0f bytes per customer serialized (RocksDB / checkpoint size, key included)%n",
                (double) serialized / Math.min(customers, 100_000));
        if (states.size() != customers) {
            throw new IllegalStateException("lost customers");
        }
        return 0;
    }

    /** The heap in use after full collections: what the live objects retain. */
    static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
