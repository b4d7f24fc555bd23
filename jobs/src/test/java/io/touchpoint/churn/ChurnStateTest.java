package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.RiskLevel;
import io.touchpoint.testing.PojoTypes;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The compact per-customer state: packing, and Flink serialization without Kryo. */
class ChurnStateTest {

    private static final long T0 = 1_793_000_000_000L;

    @Test
    void anEventKeepsItsTimeAndKindInOneLong() {
        long packed = ChurnState.pack(T0 + 7, ChurnPoints.Signal.REOPEN.ordinal());
        assertThat(ChurnState.timeOf(packed)).isEqualTo(T0 + 7);
        assertThat(ChurnState.kindOf(packed)).isEqualTo(7);
        assertThat(ChurnState.kindOf(ChurnState.pack(T0, ChurnState.OPENING))).isEqualTo(15);
        // 10 signal kinds and the opening fit in 4 bits
        assertThat(ChurnPoints.Signal.values()).hasSizeLessThan(ChurnState.OPENING);
    }

    @Test
    void stateAndOutputsArePojosWithoutGenericFields() {
        PojoTypes.assertPojosWithoutGenericFields(ChurnState.class, ChurnReplay.class, ChurnInput.class,
                LevelChange.class, ChurnDelta.class);
    }

    @Test
    void aStateRoundTripsThroughItsFlinkSerializer() throws Exception {
        ChurnState s = new ChurnState();
        s.addOpening(T0);
        s.addSignal(ChurnPoints.Signal.CANCELLATION_REQUEST, T0 + 1);
        s.lastEvent = T0 + 1;
        s.setLevel(RiskLevel.MEDIUM, "chat", "billing");
        TypeSerializer<ChurnState> serializer =
                TypeInformation.of(ChurnState.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        ChurnState copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(copy.events).containsExactly(ChurnState.pack(T0, ChurnState.OPENING),
                ChurnState.pack(T0 + 1, ChurnPoints.Signal.CANCELLATION_REQUEST.ordinal()));
        assertThat(copy.level).isEqualTo(RiskLevel.MEDIUM);
        assertThat(copy.levelChannel).isEqualTo("chat");
        assertThat(copy.levelTouchpoint).isEqualTo("billing");
        assertThat(copy.lastEvent).isEqualTo(T0 + 1);
        // back at LOW nothing is attributed
        copy.setLevel(RiskLevel.LOW, "chat", "billing");
        assertThat(copy.levelChannel).isNull();
    }
}
