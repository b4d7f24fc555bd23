package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToTen() {
        Percentiles p = new Percentiles(new double[] {7, 3, 10, 1, 5, 2, 9, 4, 8, 6}, 10);
        // ranks ceil(0.5 * 10) = 5, ceil(0.9 * 10) = 9, ceil(0.95 * 10) = 10
        assertThat(p.nearestRank(50)).isEqualTo(5.0);
        assertThat(p.nearestRank(90)).isEqualTo(9.0);
        assertThat(p.nearestRank(95)).isEqualTo(10.0);
        assertThat(p.max()).isEqualTo(10.0);
        assertThat(p.mean()).isEqualTo(5.5);
    }

    @Test
    void nearestRankWithTiesAndAnUnsortedList() {
        // sorted: 12, 12, 30, 30, 30, 45, 90, 600 (n = 8)
        Percentiles p = new Percentiles(new double[] {30, 600, 12, 30, 45, 12, 90, 30, 999}, 8);
        assertThat(p.count()).isEqualTo(8);
        assertThat(p.nearestRank(50)).isEqualTo(30.0);  // rank 4
        assertThat(p.nearestRank(90)).isEqualTo(600.0); // rank ceil(7.2) = 8
        assertThat(p.nearestRank(25)).isEqualTo(12.0);  // rank 2
        assertThat(p.nearestRank(75)).isEqualTo(45.0);  // rank 6
        // 20 samples: p95 is rank 19 exactly, not 20
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertThat(new Percentiles(twenty, 20).nearestRank(95)).isEqualTo(19.0);
    }

    @Test
    void slaTargetsHaveTheSpecDefaultsAndTakeOverrides() {
        SlaTargets defaults = SlaTargets.defaults();
        assertThat(defaults.secondsFor(io.touchpoint.avro.Channel.PHONE)).isEqualTo(60);
        assertThat(defaults.secondsFor(io.touchpoint.avro.Channel.EMAIL)).isEqualTo(14_400);
        SlaTargets custom = SlaTargets.parse("chat=90, email=7200");
        assertThat(custom.secondsFor(io.touchpoint.avro.Channel.CHAT)).isEqualTo(90);
        assertThat(custom.secondsFor(io.touchpoint.avro.Channel.EMAIL)).isEqualTo(7200);
        assertThat(custom.secondsFor(io.touchpoint.avro.Channel.SMS)).isEqualTo(900);
    }
}
