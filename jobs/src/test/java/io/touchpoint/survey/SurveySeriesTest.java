package io.touchpoint.survey;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.ingest.Survey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurveySeriesTest {

    private static final String S = String.valueOf(SurveySeries.SEPARATOR);

    private static List<ScoreObservation> route(SurveyType type, Channel channel, String touchpoint, int score) {
        Survey s = new Survey();
        s.survey = type;
        s.channel = channel;
        s.touchpoint = touchpoint;
        s.score = score;
        s.occurredAt = 1_000L;
        List<ScoreObservation> out = new ArrayList<>();
        SurveySeries.route(s, out::add);
        return out;
    }

    @Test
    void everySurveyCountsPerChannelAndPerChannelAndTouchpoint() {
        assertThat(route(SurveyType.NPS, Channel.CHAT, "billing", 9)).extracting(o -> o.series)
                .containsExactly("nps" + S + "chat", "nps_touchpoint" + S + "chat" + S + "billing");
        assertThat(route(SurveyType.CSAT, Channel.EMAIL, "orders", 4)).extracting(o -> o.series)
                .containsExactly("csat" + S + "email", "csat_touchpoint" + S + "email" + S + "orders");
        List<ScoreObservation> ces = route(SurveyType.CES, Channel.PHONE, "other", 6);
        assertThat(ces).extracting(o -> o.series)
                .containsExactly("ces" + S + "phone", "ces_touchpoint" + S + "phone" + S + "other");
        assertThat(ces).extracting(o -> o.score).containsExactly(6, 6);
        assertThat(ces).extracting(o -> o.at).containsExactly(1_000L, 1_000L);
    }

    @Test
    void aSeriesKeySplitsIntoMeasurementChannelAndTouchpoint() {
        assertThat(SurveySeries.parts("csat_touchpoint" + S + "email" + S + "orders"))
                .containsExactly("csat_touchpoint", "email", "orders");
        assertThat(SurveySeries.parts("ces" + S + "email")).containsExactly("ces", "email");
    }
}
