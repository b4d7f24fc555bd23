package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunStatusTest {

    @Test
    void theLineSaysRatesLagDeadLettersAndCheckpointAge() {
        RunStatus.Sample from = new RunStatus.Sample(1_000_000, 10_000, 2_000, 5, 2_000, 3);
        // 30 s later: 36,000 more records (1,200/s), 4,500 more points (150/s), 7 more dead letters, lag 4.2 s;
        // the last checkpoint completed 6 s before the line
        RunStatus.Sample to = new RunStatus.Sample(1_030_000, 46_000, 6_500, 12, 4_200, 6);
        assertThat(RunStatus.line(from, to, 1_024_000)).isEqualTo("touchpoint run: 1,200 events/s in, 150 points/s "
                + "out, watermark lag 4 s, 7 dead letters in the last 30 s, last checkpoint 6 s ago");
        assertThat(RunStatus.line(from, new RunStatus.Sample(1_030_000, 10_000, 2_000, 5, -1, 0), -1))
                .isEqualTo("touchpoint run: 0 events/s in, 0 points/s out, watermark lag unknown, 0 dead letters in "
                        + "the last 30 s, last checkpoint none yet");
    }
}
