package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.testing.PojoTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The state and output types are Flink POJOs (no Kryo), and the settings survive Java serialization. */
class FrtStateTypesTest {

    @Test
    void stateAndOutputsArePojosWithoutGenericFields() {
        PojoTypes.assertPojosWithoutGenericFields(ReplyClock.class, ReplySample.class, CycleOutcome.class,
                ReplySamples.class);
    }

    private static Interaction smsMessage() {
        Interaction e = new Interaction();
        e.eventId = "e1";
        e.occurredAt = 1_000L;
        e.channel = Channel.SMS;
        e.touchpoint = "alerts";
        e.customerId = "cu";
        e.conversationId = "cv";
        e.type = InteractionType.CUSTOMER_MESSAGE;
        return e;
    }

    private static ReplyClock roundTrip(ReplyClock clock) throws Exception {
        TypeSerializer<ReplyClock> serializer =
                TypeInformation.of(ReplyClock.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(clock, out);
        ReplyClock copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        return copy;
    }

    @Test
    void aClockRoundTripsThroughItsFlinkSerializer() throws Exception {
        ReplyClock clock = new ReplyClock();
        Interaction e = smsMessage();
        clock.apply(e, FrtSettings.defaults());

        ReplyClock copy = roundTrip(clock);

        assertThat(copy.toString()).isEqualTo(clock.toString());
        assertThat(copy.seenCount()).isEqualTo(1);
        assertThat(copy.seen("e1")).isTrue();
        assertThat(copy.slaDeadline).isEqualTo(901_000L); // sms target 900 s
        assertThat(copy.customerId).isEqualTo("cu");
    }

    @Test
    void settingsAreJavaSerializable() throws Exception {
        FrtSettings settings = FrtSettings.parse("chat=90", Map.of("email",
                "Europe/Berlin; mon-fri 09:00-18:00; holidays 2026-12-24"), FrtSettings.DEFAULT_LIFETIME_MILLIS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        FrtSettings copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FrtSettings) in.readObject();
        }
        assertThat(copy.toString()).isEqualTo(settings.toString());
        assertThat(copy.targetSeconds(Channel.CHAT)).isEqualTo(90L);
        // Friday 2026-11-20 17:50 -> Monday 09:10 Berlin
        assertThat(copy.countedSeconds(Channel.EMAIL, 1_795_193_400_000L, 1_795_421_400_000L)).isEqualTo(1_200.0);
    }

    @Test
    void aClockWithItsLogRoundTripsThroughItsFlinkSerializer() throws Exception {
        PojoTypes.assertPojosWithoutGenericFields(ConversationLog.class, ClockBase.class);
        ConversationClock clocks = new ConversationClock(FrtSettings.defaults());
        ReplyClock clock = new ReplyClock();
        Interaction e = smsMessage();
        clock = clocks.take(clock, e, 0L, item -> { });
        clocks.wake(clock, 1_000L, item -> { });
        assertThat(clock.log.recent).hasSize(1);

        ReplyClock copy = roundTrip(clock);

        assertThat(copy.toString()).isEqualTo(clock.toString());
        assertThat(copy.log.recent).extracting(r -> r.eventId + " " + r.occurredAt + " " + r.type)
                .containsExactly("e1 1000 CUSTOMER_MESSAGE");
        assertThat(copy.log.base).isNull();
        assertThat(copy.log.waiting).isEmpty();
    }
}
