package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.ingest.Interaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The reply-clock state's serializer against Flink's POJO serializer of the same class: what it reads back, what it
 * copies, what it takes over.
 */
class ReplyClockSerializerTest {

    private static final long T0 = 1_795_000_000_000L;
    private final TypeSerializer<ReplyClock> pojo =
            TypeInformation.of(ReplyClock.class).createSerializer(new SerializerConfigImpl());
    private final ReplyClockSerializer serializer = new ReplyClockSerializer();

    private static Interaction event(String id, InteractionType type, long at) {
        Interaction e = new Interaction();
        e.eventId = id;
        e.occurredAt = at;
        e.channel = Channel.CHAT;
        e.touchpoint = "billing";
        e.customerId = "cust-ü-7";
        e.conversationId = "conv-1";
        e.type = type;
        return e;
    }

    /** Conversations in the shapes the operator stores, made by its own code. */
    private static List<ReplyClock> clocks() {
        ConversationClock conversations = new ConversationClock(FrtSettings.defaults());
        List<Object> out = new ArrayList<>();
        List<ReplyClock> clocks = new ArrayList<>();
        clocks.add(new ReplyClock());
        // waiting events only
        ReplyClock waiting = conversations.take(new ReplyClock(), event("e1", InteractionType.CONVERSATION_OPENED, T0),
                T0 - 10_000, out::add);
        clocks.add(waiting);
        // applied: recent events (an agent message: no id kept) and a waiting one; then one with a base
        ReplyClock running = conversations.take(new ReplyClock(), event("e2", InteractionType.CONVERSATION_OPENED, T0),
                T0 - 10_000, out::add);
        running = conversations.take(running, event("e3", InteractionType.AGENT_MESSAGE, T0 + 5_000), T0 - 10_000,
                out::add);
        conversations.wake(running, T0 + 6_000, out::add);
        running = conversations.settle(running, T0 + 6_000);
        Interaction late = event("e4", InteractionType.CUSTOMER_MESSAGE, T0 + 3 * 3_600_000L);
        late.touchpoint = "orders";
        running = conversations.take(running, late, T0 + 6_000, out::add);
        clocks.add(running);
        ReplyClock based = conversations.take(new ReplyClock(), event("e5", InteractionType.CONVERSATION_OPENED, T0),
                T0 - 10_000, out::add);
        conversations.wake(based, T0, out::add);
        based = conversations.settle(based, T0);
        based = conversations.take(based, event("e6", InteractionType.AGENT_MESSAGE, T0 + 2 * 3_600_000L), T0,
                out::add);
        conversations.wake(based, T0 + 2 * 3_600_000L, out::add);
        based = conversations.settle(based, T0 + 2 * 3_600_000L);
        based = conversations.take(based, event("e7", InteractionType.CUSTOMER_MESSAGE, T0 + 2 * 3_600_000L + 1),
                T0 + 2 * 3_600_000L, out::add);
        conversations.wake(based, T0 + 2 * 3_600_000L + 1, out::add);
        based = conversations.settle(based, T0 + 2 * 3_600_000L + 1);
        clocks.add(based);
        // fields the operator's copies leave out are written all the same
        ReplyClock full = conversations.settle(conversations.take(new ReplyClock(),
                event("e8", InteractionType.CONVERSATION_OPENED, T0), T0 - 10_000, out::add), T0 - 10_000);
        Interaction whole = event("e9", InteractionType.AGENT_MESSAGE, T0 + 1);
        whole.agentId = "agent-3";
        whole.sentiment = 0.25f;
        whole.channel = null;
        whole.customerId = null;
        full.log.waiting = new Interaction[] {full.log.waiting[0], whole};
        clocks.add(full);
        return clocks;
    }

    private static byte[] bytes(TypeSerializer<ReplyClock> serializer, ReplyClock clock) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(clock, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void theShapesUnderTestAreThoseTheOperatorKeeps() {
        List<ReplyClock> clocks = clocks();
        assertThat(clocks.get(1).log.waiting).hasSize(1);
        assertThat(clocks.get(2).log.recent).hasSize(2);
        assertThat(clocks.get(2).log.waiting).hasSize(1);
        assertThat(clocks.get(3).log.base).isNotNull();
        assertThat(clocks.get(3).log.recent).isNotEmpty();
    }

    @Test
    void whatItReadsBackIsWhatThePojoSerializerWouldHaveStored() throws Exception {
        for (ReplyClock clock : clocks()) {
            byte[] written = bytes(serializer, clock);
            ReplyClock read = serializer.deserialize(new DataInputDeserializer(written));
            // every field, the log's events and base included, byte for byte as Flink's own serializer writes them
            assertThat(bytes(pojo, read)).as(clock.toString()).isEqualTo(bytes(pojo, clock));
            assertThat(written.length).as("smaller than the POJO serializer's").isLessThan(bytes(pojo, clock).length);
            // and its own bytes again when written a second time (a duplicate, as a snapshot thread uses)
            assertThat(bytes(serializer.duplicate(), read)).isEqualTo(written);
        }
    }

    @Test
    void stringsEqualToTheClocksAreReadBackAsTheClocksObjects() throws Exception {
        ReplyClock based = clocks().get(3);
        ReplyClock read = serializer.deserialize(new DataInputDeserializer(bytes(serializer, based)));
        Interaction message = read.log.recent[read.log.recent.length - 1];
        assertThat(message.eventId).isEqualTo("e7");
        assertThat(message.conversationId).isSameAs(read.conversationId);
        assertThat(message.customerId).isEqualTo("cust-ü-7").isSameAs(read.customerId);
        assertThat(read.log.base.touchpoint).isSameAs(read.touchpoint);
        // a logged event whose touchpoint differs from the clock's keeps its own
        ReplyClock running = clocks().get(2);
        ReplyClock readRunning = serializer.deserialize(new DataInputDeserializer(bytes(serializer, running)));
        assertThat(readRunning.log.waiting[0].touchpoint).isEqualTo("orders");
        ReplyClock full = clocks().get(4);
        ReplyClock readFull = serializer.deserialize(new DataInputDeserializer(bytes(serializer, full)));
        assertThat(readFull.log.waiting[1].agentId).isEqualTo("agent-3");
        assertThat(readFull.log.waiting[1].sentiment).isEqualTo(0.25f);
        assertThat(readFull.log.waiting[1].channel).isNull();
        assertThat(readFull.log.waiting[1].customerId).isNull();
    }

    @Test
    void aCopyIsEqualAndSharesNoMutableObject() throws Exception {
        for (ReplyClock clock : clocks()) {
            ReplyClock copy = serializer.copy(clock);
            assertThat(bytes(pojo, copy)).isEqualTo(bytes(pojo, clock));
            if (clock.seenEventIds.length > 0) {
                assertThat(copy.seenEventIds).isNotSameAs(clock.seenEventIds);
            }
            if (clock.log != null) {
                assertThat(copy.log).isNotSameAs(clock.log);
                for (int i = 0; i < clock.log.recent.length; i++) {
                    assertThat(copy.log.recent[i]).isNotSameAs(clock.log.recent[i]);
                }
                for (int i = 0; i < clock.log.waiting.length; i++) {
                    assertThat(copy.log.waiting[i]).isNotSameAs(clock.log.waiting[i]);
                }
                if (clock.log.base != null) {
                    assertThat(copy.log.base).isNotSameAs(clock.log.base);
                }
            }
        }
    }

    private static List<String> fields(Class<?> type) {
        PojoTypeInfo<?> info = (PojoTypeInfo<?>) TypeInformation.of(type);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < info.getArity(); i++) {
            names.add(info.getPojoFieldAt(i).getField().getName());
        }
        return names;
    }

    @Test
    void theFieldsItWritesAreAllTheStateHas() {
        // a field added to one of these classes must be added to the serializer (and this list)
        assertThat(fields(ReplyClock.class)).containsExactlyInAnyOrder("phase", "seenEventIds", "expiresAt", "start",
                "channel", "touchpoint", "customerId", "conversationId", "slaDeadline", "slaPassed", "log");
        assertThat(fields(ConversationLog.class)).containsExactlyInAnyOrder("recent", "waiting", "base");
        assertThat(fields(ClockBase.class)).containsExactlyInAnyOrder("phase", "start", "slaDeadline", "expiresAt",
                "channel", "touchpoint", "customerId");
        assertThat(fields(Interaction.class)).containsExactlyInAnyOrder("eventId", "occurredAt", "channel",
                "touchpoint", "customerId", "conversationId", "type", "agentId", "sentiment");
    }

    @Test
    void stateWrittenByThePojoSerializerIsTakenOverAfterMigration() {
        TypeSerializerSchemaCompatibility<ReplyClock> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(pojo.snapshotConfiguration());
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
    }

    @Test
    void itsOwnSnapshotReadBackIsCompatibleAsIs() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<ReplyClock> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
        assertThat(read.restoreSerializer()).isEqualTo(serializer);
    }
}
