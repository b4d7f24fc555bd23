package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoint.avro.RiskLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChurnScoreTest {

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final long HALF_LIFE = 14 * DAY;
    private static final long T0 = 1_793_000_000_000L;

    @Test
    void aDetractorsThirtyPointsAreWorthFifteenAfterFourteenDays() {
        ChurnScore score = new ChurnScore();
        score.add("nps_detractor", 30, T0);
        assertThat(score.score(T0, HALF_LIFE)).isEqualTo(30.0);
        assertThat(score.score(T0 + 14 * DAY, HALF_LIFE)).isCloseTo(15.0, within(1e-12));
        assertThat(score.score(T0 + 28 * DAY, HALF_LIFE)).isCloseTo(7.5, within(1e-12));
    }

    @Test
    void twoBreachesAnAbandonmentAndADetractorCrossIntoHighAtTheFourthEvent() {
        ChurnScore score = new ChurnScore();
        score.add("nps_detractor_low", 40, T0);
        assertThat(score.level(T0, HALF_LIFE)).isEqualTo(RiskLevel.MEDIUM);
        score.add("abandoned", 15, T0 + HOUR);
        score.add("sla_breach", 15, T0 + 2 * HOUR);
        // 40 * 2^(-2/336) + 15 * 2^(-1/336) + 15 = 39.8351 + 14.9691 + 15 = 69.80: still MEDIUM
        assertThat(score.score(T0 + 2 * HOUR, HALF_LIFE)).isCloseTo(69.8044, within(1e-4));
        assertThat(score.level(T0 + 2 * HOUR, HALF_LIFE)).isEqualTo(RiskLevel.MEDIUM);
        score.add("sla_breach", 15, T0 + 3 * HOUR);
        // 39.7532 + 14.9382 + 14.9691 + 15 = 84.66
        assertThat(score.score(T0 + 3 * HOUR, HALF_LIFE)).isCloseTo(84.6605, within(1e-4));
        assertThat(score.level(T0 + 3 * HOUR, HALF_LIFE)).isEqualTo(RiskLevel.HIGH);

        List<ChurnScore.Reason> reasons = score.reasons(T0 + 3 * HOUR, HALF_LIFE);
        assertThat(reasons).extracting(ChurnScore.Reason::signal)
                .containsExactly("nps_detractor_low", "sla_breach", "sla_breach", "abandoned");
        assertThat(reasons.get(0).points()).isCloseTo(39.7532, within(1e-4));
        assertThat(reasons.get(1).points()).isEqualTo(15.0);
        assertThat(reasons.get(1).at()).isEqualTo(T0 + 3 * HOUR);
    }

    @Test
    void aPromoterBringsTheCustomerBackDown() {
        ChurnScore score = new ChurnScore();
        score.add("nps_detractor_low", 40, T0);
        score.add("abandoned", 15, T0 + HOUR);
        score.add("sla_breach", 15, T0 + 2 * HOUR);
        score.add("sla_breach", 15, T0 + 3 * HOUR);
        score.add("nps_promoter", -20, T0 + 4 * HOUR);
        // 84.66 decayed one more hour, minus 20 = 64.49: back to MEDIUM
        assertThat(score.score(T0 + 4 * HOUR, HALF_LIFE)).isCloseTo(64.4861, within(1e-4));
        assertThat(score.level(T0 + 4 * HOUR, HALF_LIFE)).isEqualTo(RiskLevel.MEDIUM);
        assertThat(score.reasons(T0 + 4 * HOUR, HALF_LIFE).get(1).signal()).isEqualTo("nps_promoter");
    }

    @Test
    void theScoreIsClampedButTheSumIsKept() {
        ChurnScore score = new ChurnScore();
        score.add("cancellation_request", 40, T0);
        score.add("cancellation_request", 40, T0);
        score.add("cancellation_request", 40, T0);
        assertThat(score.score(T0, HALF_LIFE)).isEqualTo(100.0);
        assertThat(score.raw(T0, HALF_LIFE)).isEqualTo(120.0);
        ChurnScore negative = new ChurnScore();
        negative.add("nps_promoter", -20, T0);
        assertThat(negative.score(T0, HALF_LIFE)).isZero();
    }

    @Test
    void negligibleSignalsArePruned() {
        ChurnScore score = new ChurnScore();
        score.add("reopen", 10, T0);
        score.add("abandoned", 15, T0 + 200 * DAY);
        // 10 * 2^(-200/14) = 0.00051 < 0.01
        score.prune(T0 + 200 * DAY, HALF_LIFE);
        assertThat(score.entries).extracting(e -> e.signal).containsExactly("abandoned");
    }

    @Test
    void pointsAreConfigurable() {
        ChurnPoints points = ChurnPoints.parse("reopen=5, nps_promoter=-30", 7);
        assertThat(points.of(ChurnPoints.Signal.REOPEN)).isEqualTo(5.0);
        assertThat(points.of(ChurnPoints.Signal.NPS_PROMOTER)).isEqualTo(-30.0);
        assertThat(points.of(ChurnPoints.Signal.CANCELLATION_REQUEST)).isEqualTo(40.0);
        assertThat(points.halfLifeMillis()).isEqualTo(7 * DAY);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChurnPoints.parse("bogus=1", 14))
                .hasMessage("unknown churn signal 'bogus'");
    }
}
