package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void oneToTen() {
        // ranks ⌈0.5·10⌉ = 5, ⌈0.9·10⌉ = 9, ⌈0.95·10⌉ = 10; mean 55 / 10
        Percentiles p = Percentiles.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10);
        assertThat(p.p50()).isEqualTo(5.0);
        assertThat(p.p90()).isEqualTo(9.0);
        assertThat(p.p95()).isEqualTo(10.0);
        assertThat(p.max()).isEqualTo(10.0);
        assertThat(p.mean()).isEqualTo(5.5);
        assertThat(p.count()).isEqualTo(10);
    }

    @Test
    void unsortedWithTies() {
        // sorted: 10 10 20 20 20 30 40 50; ranks ⌈4⌉ = 4 -> 20, ⌈7.2⌉ = 8 -> 50, ⌈7.6⌉ = 8 -> 50; mean 200 / 8
        double[] values = {30, 10, 20, 20, 50, 10, 40, 20};
        Percentiles p = Percentiles.of(values, values.length);
        assertThat(p.p50()).isEqualTo(20.0);
        assertThat(p.p90()).isEqualTo(50.0);
        assertThat(p.p95()).isEqualTo(50.0);
        assertThat(p.max()).isEqualTo(50.0);
        assertThat(p.mean()).isEqualTo(25.0);
        assertThat(values).containsExactly(30, 10, 20, 20, 50, 10, 40, 20); // the input is left alone
    }

    @Test
    void twentyDescendingSeparatesP90FromP95() {
        double[] values = new double[20];
        for (int i = 0; i < 20; i++) {
            values[i] = 20 - i;
        }
        // ranks 10, 18, 19 of 1..20
        Percentiles p = Percentiles.of(values, 20);
        assertThat(p.p50()).isEqualTo(10.0);
        assertThat(p.p90()).isEqualTo(18.0);
        assertThat(p.p95()).isEqualTo(19.0);
        assertThat(p.max()).isEqualTo(20.0);
        assertThat(p.mean()).isEqualTo(10.5);
    }

    @Test
    void onlyTheFirstCountValuesAndAtLeastOne() {
        // spare capacity after count is ignored
        Percentiles p = Percentiles.of(new double[] {7.5, 99, 99}, 1);
        assertThat(p.p50()).isEqualTo(7.5);
        assertThat(p.p95()).isEqualTo(7.5);
        assertThat(p.max()).isEqualTo(7.5);
        assertThatThrownBy(() -> Percentiles.of(new double[4], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Percentiles.nearestRank(new double[] {1, 2, 3}, 1)).isEqualTo(1.0);
        assertThat(Percentiles.nearestRank(new double[] {1, 2, 3}, 100)).isEqualTo(3.0);
    }

    @Test
    void minutePanesMergeIntoAWindow() {
        ReplySamples first = new ReplySamples();
        first.add(30, true, 120);
        first.add(150, false, 120);
        first.add(60, true, 120);
        ReplySamples second = new ReplySamples();
        second.add(90, true, 120);
        second.add(300, false, 120);

        ReplySamples window = new ReplySamples();
        window.merge(first);
        window.merge(second);
        // 30 60 90 150 300: ranks 3, 5, 5; mean 630 / 5
        Percentiles p = window.percentiles();
        assertThat(window.count).isEqualTo(5);
        assertThat(window.withinSla).isEqualTo(3);
        assertThat(window.breached()).isEqualTo(2);
        assertThat(window.slaTargetSeconds).isEqualTo(120);
        assertThat(p.p50()).isEqualTo(90.0);
        assertThat(p.p90()).isEqualTo(300.0);
        assertThat(p.max()).isEqualTo(300.0);
        assertThat(p.mean()).isEqualTo(126.0);
        assertThat(first.count).isEqualTo(3); // a pane merged into a window is unchanged
        assertThat(first.percentiles().p50()).isEqualTo(60.0);
    }
}
