package io.touchpoint.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BulkClockTest {

    private static final long MIN = Long.MIN_VALUE;
    private static final long HOUR = 3_600_000L;

    @Test
    void unknownUntilAQuorumThenTheOldestOfItThenEveryStep() {
        BulkClock clock = new BulkClock();
        for (int i = 0; i < 15; i++) {
            assertThat(clock.observe(1_000L * i, MIN)).isEqualTo(MIN);
        }
        assertThat(clock.established()).isFalse();
        // 16 events at 0 .. 15 s: all 16 have reached 0 s, and from there each is a step after the one before
        assertThat(clock.observe(15_000, MIN)).isEqualTo(15_000);
        assertThat(clock.established()).isTrue();
        // 16 s is within a step (60 s) of 15 s
        assertThat(clock.observe(16_000, MIN)).isEqualTo(16_000);
        // 106 s is 90 s ahead, beyond a step, and the 16th largest of 0 .. 16 s and 106 s is 2 s: it waits
        assertThat(clock.observe(106_000, MIN)).isEqualTo(16_000);
        assertThat(clock.observe(17_000, MIN)).isEqualTo(17_000);
        assertThat(clock.observe(70_000, MIN)).isEqualTo(70_000);
        assertThat(clock.observe(100_000, MIN)).isEqualTo(100_000);
    }

    @Test
    void aBurstAheadAtTheHeadIsOutvoted() {
        BulkClock clock = new BulkClock();
        for (int i = 0; i < 15; i++) {
            clock.observe(10 * HOUR + i, MIN);
        }
        // 15 records ten hours ahead, then the ordinary ones: the 16th has no quorum beyond 0
        assertThat(clock.observe(0, MIN)).isZero();
        for (int i = 1; i <= 100; i++) {
            assertThat(clock.observe(1_000L * i, MIN)).isEqualTo(1_000L * i);
        }
    }

    @Test
    void aGapIsCrossedWhenAQuorumLiesBeyondIt() {
        BulkClock clock = new BulkClock();
        for (int i = 0; i < 20; i++) {
            clock.observe(1_000L * i, MIN);
        }
        assertThat(clock.time()).isEqualTo(19_000);
        // two hours later: 15 events do not make a quorum; the 16th does, at the first beyond the gap, and the
        // others follow it a second apart
        for (int i = 0; i < 15; i++) {
            assertThat(clock.observe(2 * HOUR + 1_000L * i, MIN)).isEqualTo(19_000);
        }
        assertThat(clock.observe(2 * HOUR + 15_000, MIN)).isEqualTo(2 * HOUR + 15_000);
        assertThat(clock.observe(2 * HOUR + 16_000, MIN)).isEqualTo(2 * HOUR + 16_000);
    }

    @Test
    void aMinorityAheadNeverMovesItAMajorityDoes() {
        BulkClock minority = new BulkClock();
        BulkClock majority = new BulkClock();
        for (int i = 0; i < 1_000; i++) {
            long ordinary = 1_000L * i;
            // 2 of every 5 records (40 %) ten hours ahead
            minority.observe(i % 5 < 2 ? ordinary + 10 * HOUR : ordinary, MIN);
            // 3 of every 5 records (60 %)
            majority.observe(i % 5 < 3 ? ordinary + 10 * HOUR : ordinary, MIN);
        }
        assertThat(minority.time()).isEqualTo(999_000);
        assertThat(majority.time()).isGreaterThan(10 * HOUR);
    }

    @Test
    void sparseEventsAreFollowedOnceAQuorumIsReached() {
        BulkClock clock = new BulkClock();
        // one event a minute: the quorum is reached at the 16th, and each following one is a step
        for (int i = 0; i < 16; i++) {
            clock.observe(60_000L * i, MIN);
        }
        assertThat(clock.time()).isEqualTo(15 * 60_000L);
        assertThat(clock.observe(16 * 60_000L, MIN)).isEqualTo(16 * 60_000L);
        // two minutes later is beyond a step: it waits until a quorum lies at or beyond it
        assertThat(clock.observe(18 * 60_000L, MIN)).isEqualTo(16 * 60_000L);
    }

    @Test
    void aReferenceLetsTheFirstEventStep() {
        BulkClock clock = new BulkClock();
        assertThat(clock.observe(HOUR + 30_000, HOUR)).isEqualTo(HOUR + 30_000);
        assertThat(clock.observe(3 * HOUR, HOUR)).isEqualTo(HOUR + 30_000);
        // a reference behind the time changes nothing
        assertThat(clock.observe(HOUR + 31_000, 0)).isEqualTo(HOUR + 31_000);
    }

    @Test
    void theEndOfTheInputTakesASparseTailButNotARecordHoursAhead() {
        BulkClock clock = new BulkClock();
        assertThat(clock.endOfInput()).isEqualTo(MIN);
        clock.observe(5 * 60_000L, MIN);
        clock.observe(2 * 60_000L, MIN);
        // no quorum: the latest event
        assertThat(clock.endOfInput()).isEqualTo(5 * 60_000L);
        for (int i = 6; i < 20; i++) {
            clock.observe(i * 60_000L, MIN);
        }
        // a quiet night: one event every 10 minutes, then one ten hours ahead
        clock.observe(29 * 60_000L, MIN);
        clock.observe(39 * 60_000L, MIN);
        clock.observe(49 * 60_000L, MIN);
        clock.observe(10 * HOUR, MIN);
        assertThat(clock.time()).isEqualTo(19 * 60_000L);
        assertThat(clock.endOfInput()).isEqualTo(49 * 60_000L);
    }
}
