package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.ingest.Interaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.EnumSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The reply-clock state's serializer: one conversation's {@link ReplyClock} with its {@link ConversationLog}, written
 * field by field into a buffer and handed to the target in one write. Flink's POJO serializer writes every string a
 * character at a time through the checkpoint stream (three calls per byte) and every field through reflection; at
 * every checkpoint of the heap backend that was most of the checkpoint thread's time, and with RocksDB it is paid at
 * every state access.
 *
 * <p>The strings of a logged event or of the log's base that equal the clock's (its conversation, customer and
 * touchpoint) are written as a reference to the clock's and read back as the same object, so a restored conversation
 * shares them as the live one does. Channels and event types go through Flink's enum serializer, whose snapshot keeps
 * their symbols: a reordered enum still reads back by name.
 *
 * <p>State written by the POJO serializer (before this one) is read with it on restore and written with this one from
 * then on: the snapshot answers "compatible after migration" to the POJO serializer's snapshot.
 */
public final class ReplyClockSerializer extends TypeSerializer<ReplyClock> {

    private static final long serialVersionUID = 1L;

    // what a string field holds
    private static final int ABSENT = 0;
    private static final int OWN = 1;
    private static final int CLOCKS = 2;

    // the clock's flags
    private static final int SLA_PASSED = 1;
    private static final int HAS_LOG = 2;
    private static final int HAS_CHANNEL = 4;
    private static final int HAS_BASE = 8;

    // a logged event's presence bits; its three shared strings take two bits each from bit 8 on
    private static final int EVENT_ID = 1;
    private static final int EVENT_CHANNEL = 2;
    private static final int EVENT_TYPE = 4;
    private static final int AGENT = 8;
    private static final int SENTIMENT = 16;

    private final TypeSerializer<Channel> channels;
    private final TypeSerializer<InteractionType> types;
    private transient DataOutputSerializer buffer;

    public ReplyClockSerializer() {
        this(new EnumSerializer<>(Channel.class), new EnumSerializer<>(InteractionType.class));
    }

    ReplyClockSerializer(TypeSerializer<Channel> channels, TypeSerializer<InteractionType> types) {
        this.channels = channels;
        this.types = types;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ReplyClockSerializer duplicate() {
        // the buffer makes every instance stateful: one per thread
        return new ReplyClockSerializer(channels.duplicate(), types.duplicate());
    }

    @Override
    public ReplyClock createInstance() {
        return new ReplyClock();
    }

    @Override
    public ReplyClock copy(ReplyClock from) {
        ReplyClock c = new ReplyClock();
        c.phase = from.phase;
        c.seenEventIds = from.seenEventIds.length == 0 ? from.seenEventIds : from.seenEventIds.clone();
        c.expiresAt = from.expiresAt;
        c.start = from.start;
        c.channel = from.channel;
        c.touchpoint = from.touchpoint;
        c.customerId = from.customerId;
        c.conversationId = from.conversationId;
        c.slaDeadline = from.slaDeadline;
        c.slaPassed = from.slaPassed;
        if (from.log != null) {
            ConversationLog log = new ConversationLog();
            log.recent = copy(from.log.recent);
            log.waiting = copy(from.log.waiting);
            log.base = from.log.base == null ? null : from.log.base.copy();
            c.log = log;
        }
        return c;
    }

    private static Interaction[] copy(Interaction[] events) {
        if (events.length == 0) {
            return events;
        }
        Interaction[] copies = new Interaction[events.length];
        for (int i = 0; i < events.length; i++) {
            copies[i] = events[i].copy();
        }
        return copies;
    }

    @Override
    public ReplyClock copy(ReplyClock from, ReplyClock reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ReplyClock c, DataOutputView target) throws IOException {
        if (target instanceof DataOutputSerializer direct) {
            // already a buffer in memory (RocksDB's key and value, network records): written straight into it
            write(c, direct);
            return;
        }
        if (buffer == null) {
            buffer = new DataOutputSerializer(256);
        }
        buffer.clear();
        write(c, buffer);
        target.write(buffer.getSharedBuffer(), 0, buffer.length());
    }

    private void write(ReplyClock c, DataOutputSerializer out) throws IOException {
        ConversationLog log = c.log;
        int flags = (c.slaPassed ? SLA_PASSED : 0) | (log != null ? HAS_LOG : 0) | (c.channel != null ? HAS_CHANNEL : 0)
                | (log != null && log.base != null ? HAS_BASE : 0);
        out.writeByte(flags);
        out.writeByte(c.phase);
        writeCount(out, c.seenEventIds.length);
        for (long id : c.seenEventIds) {
            out.writeLong(id);
        }
        out.writeLong(c.expiresAt);
        out.writeLong(c.start);
        out.writeLong(c.slaDeadline);
        if (c.channel != null) {
            channels.serialize(c.channel, out);
        }
        writeString(out, c.touchpoint);
        writeString(out, c.customerId);
        writeString(out, c.conversationId);
        if (log != null) {
            writeEvents(out, log.recent, c);
            writeEvents(out, log.waiting, c);
            if (log.base != null) {
                writeBase(out, log.base, c);
            }
        }
    }

    private void writeEvents(DataOutputSerializer out, Interaction[] events, ReplyClock c) throws IOException {
        writeCount(out, events.length);
        for (Interaction e : events) {
            int touchpoint = kind(e.touchpoint, c.touchpoint);
            int customer = kind(e.customerId, c.customerId);
            int conversation = kind(e.conversationId, c.conversationId);
            int mask = (e.eventId != null ? EVENT_ID : 0) | (e.channel != null ? EVENT_CHANNEL : 0)
                    | (e.type != null ? EVENT_TYPE : 0) | (e.agentId != null ? AGENT : 0)
                    | (Float.isNaN(e.sentiment) ? 0 : SENTIMENT)
                    | touchpoint << 8 | customer << 10 | conversation << 12;
            writeCount(out, mask);
            out.writeLong(e.occurredAt);
            if (e.eventId != null) {
                writeString(out, e.eventId);
            }
            if (e.channel != null) {
                channels.serialize(e.channel, out);
            }
            if (e.type != null) {
                types.serialize(e.type, out);
            }
            if (e.agentId != null) {
                writeString(out, e.agentId);
            }
            if (!Float.isNaN(e.sentiment)) {
                out.writeFloat(e.sentiment);
            }
            writeShared(out, touchpoint, e.touchpoint);
            writeShared(out, customer, e.customerId);
            writeShared(out, conversation, e.conversationId);
        }
    }

    private void writeBase(DataOutputSerializer out, ClockBase b, ReplyClock c) throws IOException {
        int touchpoint = kind(b.touchpoint, c.touchpoint);
        int customer = kind(b.customerId, c.customerId);
        out.writeByte((b.channel != null ? 1 : 0) | touchpoint << 1 | customer << 3);
        out.writeByte(b.phase);
        out.writeLong(b.start);
        out.writeLong(b.slaDeadline);
        out.writeLong(b.expiresAt);
        if (b.channel != null) {
            channels.serialize(b.channel, out);
        }
        writeShared(out, touchpoint, b.touchpoint);
        writeShared(out, customer, b.customerId);
    }

    /** How a string field is written: absent, its own characters, or a reference to the clock's equal string. */
    private static int kind(String value, String clocks) {
        return value == null ? ABSENT : value.equals(clocks) ? CLOCKS : OWN;
    }

    private static void writeShared(DataOutputSerializer out, int kind, String value) throws IOException {
        if (kind == OWN) {
            writeString(out, value);
        }
    }

    private static String readShared(DataInputView in, int kind, String clocks) throws IOException {
        return switch (kind) {
            case ABSENT -> null;
            case OWN -> readString(in);
            case CLOCKS -> clocks;
            default -> throw new IOException("corrupt reply-clock state: string kind " + kind);
        };
    }

    /** A nullable string as its UTF-8 length + 1 (0: null) and its bytes. */
    private static void writeString(DataOutputSerializer out, String s) throws IOException {
        if (s == null) {
            writeCount(out, 0);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeCount(out, bytes.length + 1);
        out.write(bytes);
    }

    private static String readString(DataInputView in) throws IOException {
        int length = readCount(in) - 1;
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A non-negative int in 7-bit groups, low first. */
    private static void writeCount(DataOutputView out, int value) throws IOException {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    private static int readCount(DataInputView in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("corrupt reply-clock state: count too long");
    }

    @Override
    public ReplyClock deserialize(DataInputView in) throws IOException {
        ReplyClock c = new ReplyClock();
        int flags = in.readUnsignedByte();
        c.slaPassed = (flags & SLA_PASSED) != 0;
        c.phase = in.readByte();
        int seen = readCount(in);
        if (seen > 0) {
            c.seenEventIds = new long[seen];
            for (int i = 0; i < seen; i++) {
                c.seenEventIds[i] = in.readLong();
            }
        }
        c.expiresAt = in.readLong();
        c.start = in.readLong();
        c.slaDeadline = in.readLong();
        if ((flags & HAS_CHANNEL) != 0) {
            c.channel = channels.deserialize(in);
        }
        c.touchpoint = readString(in);
        c.customerId = readString(in);
        c.conversationId = readString(in);
        if ((flags & HAS_LOG) != 0) {
            ConversationLog log = new ConversationLog();
            log.recent = readEvents(in, c, log.recent);
            log.waiting = readEvents(in, c, log.waiting);
            if ((flags & HAS_BASE) != 0) {
                log.base = readBase(in, c);
            }
            c.log = log;
        }
        return c;
    }

    private Interaction[] readEvents(DataInputView in, ReplyClock c, Interaction[] none) throws IOException {
        int count = readCount(in);
        if (count == 0) {
            return none;
        }
        Interaction[] events = new Interaction[count];
        for (int i = 0; i < count; i++) {
            int mask = readCount(in);
            Interaction e = new Interaction();
            e.occurredAt = in.readLong();
            if ((mask & EVENT_ID) != 0) {
                e.eventId = readString(in);
            }
            if ((mask & EVENT_CHANNEL) != 0) {
                e.channel = channels.deserialize(in);
            }
            if ((mask & EVENT_TYPE) != 0) {
                e.type = types.deserialize(in);
            }
            if ((mask & AGENT) != 0) {
                e.agentId = readString(in);
            }
            if ((mask & SENTIMENT) != 0) {
                e.sentiment = in.readFloat();
            }
            e.touchpoint = readShared(in, mask >>> 8 & 3, c.touchpoint);
            e.customerId = readShared(in, mask >>> 10 & 3, c.customerId);
            e.conversationId = readShared(in, mask >>> 12 & 3, c.conversationId);
            events[i] = e;
        }
        return events;
    }

    private ClockBase readBase(DataInputView in, ReplyClock c) throws IOException {
        int mask = in.readUnsignedByte();
        ClockBase b = new ClockBase();
        b.phase = in.readByte();
        b.start = in.readLong();
        b.slaDeadline = in.readLong();
        b.expiresAt = in.readLong();
        if ((mask & 1) != 0) {
            b.channel = channels.deserialize(in);
        }
        b.touchpoint = readShared(in, mask >>> 1 & 3, c.touchpoint);
        b.customerId = readShared(in, mask >>> 3 & 3, c.customerId);
        return b;
    }

    @Override
    public ReplyClock deserialize(ReplyClock reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplyClockSerializer other && channels.equals(other.channels)
                && types.equals(other.types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, types);
    }

    @Override
    public TypeSerializerSnapshot<ReplyClock> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** Keeps the enum serializers' snapshots (their symbols); takes over state the POJO serializer wrote. */
    public static final class Snapshot extends CompositeTypeSerializerSnapshot<ReplyClock, ReplyClockSerializer> {

        private static final int VERSION = 1;

        /** For Flink, which reads a snapshot into an instance made with this constructor. */
        public Snapshot() {}

        Snapshot(ReplyClockSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(ReplyClockSerializer outer) {
            return new TypeSerializer<?>[] {outer.channels, outer.types};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected ReplyClockSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new ReplyClockSerializer((TypeSerializer<Channel>) nested[0],
                    (TypeSerializer<InteractionType>) nested[1]);
        }

        @Override
        public TypeSerializerSchemaCompatibility<ReplyClock> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ReplyClock> oldSnapshot) {
            if (oldSnapshot instanceof PojoSerializerSnapshot) {
                // state of a version before this serializer: read with the POJO serializer, written with this one
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }
}
