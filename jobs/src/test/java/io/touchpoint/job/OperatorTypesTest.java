package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.churn.ChurnDelta;
import io.touchpoint.churn.ChurnInput;
import io.touchpoint.churn.LevelChange;
import io.touchpoint.frt.CycleOutcome;
import io.touchpoint.frt.ReplySample;
import io.touchpoint.frt.ReplySamples;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.Ingested;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.Survey;
import io.touchpoint.pipeline.PipelineCount;
import io.touchpoint.survey.ScoreObservation;
import io.touchpoint.survey.ScorePane;
import io.touchpoint.volume.VolumePane;
import io.touchpoint.window.PaneProgress;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * Every record passed between the job's operators and every window state is a Flink POJO with no field left to
 * Kryo: a generic field is serialized by reflection at every network hop and checkpoint, many times slower.
 */
class OperatorTypesTest {

    @Test
    void recordsAndWindowStatesAreSerializedWithoutKryo() {
        for (Class<?> type : new Class<?>[] {Ingested.class, Interaction.class, Survey.class, ScoreObservation.class,
                ReplySample.class, ClockChange.class, CycleOutcome.class, ChurnInput.class, LevelChange.class,
                ChurnDelta.class, PipelineCount.class, MetricPoint.class, ScorePane.class, VolumePane.class,
                ReplySamples.class, PaneProgress.class}) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                        .as(type.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }
}
