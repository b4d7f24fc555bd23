package io.touchpoint.job;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.churn.ChurnDelta;
import io.touchpoint.churn.ChurnInput;
import io.touchpoint.churn.LevelChange;
import io.touchpoint.frt.CycleOutcome;
import io.touchpoint.frt.ReplyPartial;
import io.touchpoint.frt.ReplySample;
import io.touchpoint.frt.ReplySamples;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.Ingested;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.Survey;
import io.touchpoint.pipeline.PipelineCount;
import io.touchpoint.survey.ScoreObservation;
import io.touchpoint.survey.ScorePane;
import io.touchpoint.survey.TouchpointAdmission;
import io.touchpoint.testing.PojoTypes;
import io.touchpoint.volume.VolumePane;
import io.touchpoint.volume.VolumePartial;
import io.touchpoint.window.PaneProgress;
import org.junit.jupiter.api.Test;

/**
 * Every record passed between the job's operators and every window state is a Flink POJO with no field left to
 * Kryo: a generic field is serialized by reflection at every network hop and checkpoint, many times slower.
 */
class OperatorTypesTest {

    @Test
    void recordsAndWindowStatesAreSerializedWithoutKryo() {
        PojoTypes.assertPojosWithoutGenericFields(Ingested.class, Interaction.class, Survey.class,
                ScoreObservation.class, ReplySample.class, ClockChange.class, CycleOutcome.class, ChurnInput.class,
                LevelChange.class, ChurnDelta.class, PipelineCount.class, MetricPoint.class, ScorePane.class,
                VolumePane.class, ReplySamples.class, PaneProgress.class, VolumePartial.class, ReplyPartial.class,
                TouchpointAdmission.class);
    }
}
