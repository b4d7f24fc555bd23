package io.touchpoint.cli;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.frt.ConversationClock;
import io.touchpoint.frt.FrtSettings;
import io.touchpoint.frt.ReplyClock;
import io.touchpoint.frt.ReplyClockSerializer;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.window.WakeUps;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * {@code touchpoint bench conversation-state [--conversations N]}: memory per open conversation of the reply-clock
 * state. Builds N conversations waiting for a first reply (opened, a customer message and a bot answer; ids and
 * names as the simulator makes them) with the operator's own code ({@link ConversationClock}, which
 * {@code frt.ReplyClockOperator} calls): each event taken ahead of the watermark, applied when a watermark reaches
 * it, the state settled, and at the measured watermark whatever the conversation's one wake-up would do by then done.
 * The states are kept by conversation id in a map like the heap state backend's, each with its one wake-up in the
 * operator's own {@link WakeUps}. Twice: at a watermark 2 h after the conversations (every event folded
 * into the clock: what an open conversation keeps for most of its life) and at one minute after the last of them
 * (their events within the allowed lateness, kept to rebuild the clock from). Reports the heap retained after a full
 * GC and the size the state's serializer ({@link ReplyClockSerializer}) gives it plus its key (what RocksDB or a
 * checkpoint stores).
 */
final class ConversationStateBench {

    private static final Channel[] CHANNELS = Channel.values();
    private static final String[] TOUCHPOINTS = {"billing", "orders", "returns", "support", "delivery", "account"};
    private static final long BASE = 1_793_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private ConversationStateBench() {}

    static int run(long conversations, PrintStream out) throws Exception {
        measure(conversations, BASE + 3 * HOUR, "older than the allowed lateness (all folded into the clock)", out);
        measure(conversations, BASE + HOUR + 60_000L, "within the allowed lateness (events kept to rebuild from)",
                out);
        return 0;
    }

    private static void measure(long conversations, long watermark, String what, PrintStream out) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        ConversationClock clocks = new ConversationClock(FrtSettings.defaults());
        long[] emitted = new long[1];
        Consumer<Object> sink = item -> emitted[0]++;
        long before = ChurnStateBench.usedAfterGc();
        int capacity = (int) Math.min(Integer.MAX_VALUE, conversations * 4 / 3 + 1);
        Map<String, ReplyClock> states = new HashMap<>(capacity);
        // the operator's wake-ups (one live entry per conversation once the watermark passed its earlier ones)
        WakeUps<String> wakeUps = new WakeUps<>();
        TypeSerializer<ReplyClock> serializer = new ReplyClockSerializer();
        DataOutputSerializer buffer = new DataOutputSerializer(256);
        long serialized = 0;
        long event = 0;
        long kept = 0;
        for (long i = 0; i < conversations; i++) {
            // every string is a new object, as decoding a record makes it
            String conversation = new String("conv-11-" + Long.toString(BASE / 1000, 36) + "-" + (i + 1));
            String customer = "cust-11-" + (1 + random.nextInt(2_000_000));
            Channel channel = CHANNELS[random.nextInt(CHANNELS.length)];
            String touchpoint = new String(TOUCHPOINTS[random.nextInt(TOUCHPOINTS.length)]);
            long t = BASE + random.nextLong(HOUR);
            ReplyClock clock = new ReplyClock();
            boolean first = true;
            for (InteractionType type : new InteractionType[] {InteractionType.CONVERSATION_OPENED,
                    InteractionType.CUSTOMER_MESSAGE, InteractionType.BOT_MESSAGE}) {
                Interaction e = new Interaction();
                e.eventId = "evt-11-" + Long.toString(BASE / 1000, 36) + "-" + (++event);
                e.occurredAt = t;
                e.channel = channel;
                e.touchpoint = touchpoint;
                e.customerId = customer;
                // the key of the state map is the conversation id of the first record, as the heap backend keeps it;
                // each later record brings its own copy
                e.conversationId = first ? conversation : new String(conversation);
                first = false;
                e.type = type;
                if (clocks.refusal(clock, e) != null) {
                    throw new IllegalStateException("refused: " + e);
                }
                // 10 s ahead of the watermark, as the out-of-orderness bound holds live events back
                clock = clocks.settle(clocks.take(clock, e, t - 10_000L, sink), t - 10_000L);
                clocks.wake(clock, t, sink);
                clock = clocks.settle(clock, t);
                t += 1 + random.nextLong(30_000L);
            }
            // what the conversation's one wake-up does by the measured watermark, if it comes due before it
            if (clocks.nextDue(clock) <= watermark) {
                clocks.wake(clock, watermark, sink);
                clock = clocks.settle(clock, watermark);
            }
            if (clock == null || !clock.running()) {
                throw new IllegalStateException("conversation not waiting: " + clock);
            }
            if (clock.log != null) {
                kept++;
            }
            states.put(conversation, clock);
            wakeUps.add(clocks.nextDue(clock), conversation);
            if (i < 100_000) {
                buffer.clear();
                serializer.serialize(clock, buffer);
                // RocksDB's key: key group (2 bytes), the key, the namespace
                serialized += buffer.length() + conversation.length() + 2;
            }
        }
        long after = ChurnStateBench.usedAfterGc();
        double perConversation = (double) (after - before) / conversations;
        out.printf("reply-clock state, events %s:%n", what);
        out.printf("  %,d open conversations (%,d keeping recent events), %,.0f MiB of heap, %.0f bytes per "
                + "conversation on the heap (map entry, key, state and its wake-up)%n", conversations, kept,
                (after - before) / 1048576.0, perConversation);
        out.printf("  %.0f bytes per conversation serialized (RocksDB / checkpoint size, key included)%n",
                (double) serialized / Math.min(conversations, 100_000));
        if (states.size() != conversations || wakeUps.size() != conversations
                || emitted[0] == 0) {
            throw new IllegalStateException("lost conversations");
        }
    }
}
