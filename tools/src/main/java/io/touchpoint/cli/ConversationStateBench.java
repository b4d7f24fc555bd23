package io.touchpoint.cli;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.frt.FrtSettings;
import io.touchpoint.frt.ReplyClock;
import io.touchpoint.ingest.Interaction;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;

/**
 * {@code touchpoint bench conversation-state [--conversations N]}: memory per open conversation of the reply-clock
 * state. Builds N conversations as {@code frt.ReplyClockFunction} keeps them while a customer waits for the first
 * reply (opened, a customer message and a bot answer applied to the clock and kept as its applied events, to rebuild
 * the clock from when a late event arrives; ids and names as the simulator makes them), each with its one timer, in maps like the heap state backend's and its timer queue, and reports the heap
 * retained after a full GC and the size Flink's serializer gives the clock (what RocksDB or a checkpoint stores).
 */
final class ConversationStateBench {

    private static final Channel[] CHANNELS = Channel.values();
    private static final String[] TOUCHPOINTS = {"billing", "orders", "returns", "support", "delivery", "account"};

    private ConversationStateBench() {}

    static int run(long conversations, PrintStream out) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        FrtSettings settings = FrtSettings.defaults();
        long base = 1_793_000_000_000L;
        long before = ChurnStateBench.usedAfterGc();
        int capacity = (int) Math.min(Integer.MAX_VALUE, conversations * 4 / 3 + 1);
        Map<String, ReplyClock> states = new HashMap<>(capacity);
        Map<String, List<Interaction>> applied = new HashMap<>(capacity);
        // the heap timer queue: a set of timers (a hash map per key group) and the heap array
        Map<TimerHeapInternalTimer<String, VoidNamespace>, TimerHeapInternalTimer<String, VoidNamespace>> timerSet =
                new HashMap<>(capacity);
        Object[] heap = new Object[(int) conversations];
        TypeSerializer<ReplyClock> serializer = TypeInformation.of(ReplyClock.class)
                .createSerializer(new SerializerConfigImpl());
        TypeSerializer<List<Interaction>> eventsSerializer = Types.LIST(TypeInformation.of(Interaction.class))
                .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer buffer = new DataOutputSerializer(256);
        long serialized = 0;
        long event = 0;
        for (long i = 0; i < conversations; i++) {
            // every string is a new object, as decoding a record makes it
            String conversation = new String("conv-11-" + Long.toString(base / 1000, 36) + "-" + (i + 1));
            String customer = "cust-11-" + (1 + random.nextInt(2_000_000));
            Channel channel = CHANNELS[random.nextInt(CHANNELS.length)];
            String touchpoint = new String(TOUCHPOINTS[random.nextInt(TOUCHPOINTS.length)]);
            long t = base + random.nextLong(3_600_000L);
            ReplyClock clock = new ReplyClock();
            List<Interaction> events = new ArrayList<>(3);
            for (InteractionType type : new InteractionType[] {InteractionType.CONVERSATION_OPENED,
                    InteractionType.CUSTOMER_MESSAGE, InteractionType.BOT_MESSAGE}) {
                Interaction e = new Interaction();
                e.eventId = "evt-11-" + Long.toString(base / 1000, 36) + "-" + (++event);
                e.occurredAt = t;
                e.channel = channel;
                e.touchpoint = touchpoint;
                e.customerId = customer;
                // the key of the state map is the conversation id of the first record, as the heap backend keeps it
                e.conversationId = conversation;
                e.type = type;
                clock.apply(e, settings);
                events.add(e);
                t += 1 + random.nextLong(30_000L);
            }
            if (!clock.running()) {
                throw new IllegalStateException("conversation not waiting: " + clock);
            }
            states.put(conversation, clock);
            applied.put(conversation, events);
            TimerHeapInternalTimer<String, VoidNamespace> timer =
                    new TimerHeapInternalTimer<>(clock.nextWakeUp(), conversation, VoidNamespace.INSTANCE);
            timerSet.put(timer, timer);
            heap[(int) i] = timer;
            if (i < 100_000) {
                buffer.clear();
                serializer.serialize(clock, buffer);
                eventsSerializer.serialize(events, buffer);
                // the key is stored with each of the two state entries
                serialized += buffer.length() + 2L * (conversation.length() + 2);
            }
        }
        long after = ChurnStateBench.usedAfterGc();
        double perConversation = (double) (after - before) / conversations;
        out.printf("reply-clock state: %,d open conversations, %,.0f MiB of heap, %.0f bytes per conversation on the "
                + "heap (map entries, key, clock, applied events and its timer)%n", conversations, (after - before) / 1048576.0,
                perConversation);
        out.printf("                   %.0f bytes per conversation serialized (RocksDB / checkpoint size, key "
                + "included)%n", (double) serialized / Math.min(conversations, 100_000));
        if (states.size() != conversations || applied.size() != conversations || timerSet.size() != conversations || heap[heap.length - 1] == null) {
            throw new IllegalStateException("lost conversations");
        }
        return 0;
    }
}
