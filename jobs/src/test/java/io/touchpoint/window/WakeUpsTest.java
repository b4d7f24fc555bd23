package io.touchpoint.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WakeUpsTest {

    private static final long MINUTE = 60_000L;

    private static List<String> advance(WakeUps<String> wakeUps, long watermark) throws Exception {
        List<String> woken = new ArrayList<>();
        wakeUps.advance(watermark, (at, key) -> woken.add(key + "@" + at));
        return woken;
    }

    @Test
    void aWatermarkTakesTheEntriesAtOrBeforeItMinuteByMinuteAndKeepsTheRest() throws Exception {
        WakeUps<String> wakeUps = new WakeUps<>();
        wakeUps.add(3 * MINUTE + 5, "c");
        wakeUps.add(MINUTE + 30, "a");
        wakeUps.add(MINUTE + 10, "b");
        wakeUps.add(2 * MINUTE + 20_000, "d");
        wakeUps.add(2 * MINUTE + 40_000, "e");
        wakeUps.add(Long.MAX_VALUE, "never");
        assertThat(wakeUps.size()).isEqualTo(5);

        assertThat(advance(wakeUps, MINUTE - 1)).isEmpty();
        // minute 1 in the order added, then of minute 2 only what the watermark reached
        assertThat(advance(wakeUps, 2 * MINUTE + 30_000)).containsExactly("a@60030", "b@60010", "d@140000");
        assertThat(wakeUps.size()).isEqualTo(2);
        assertThat(wakeUps.keys()).containsExactlyInAnyOrder("c", "e");
        // exactly at the instant counts as reached
        assertThat(advance(wakeUps, 2 * MINUTE + 40_000)).containsExactly("e@160000");
        assertThat(advance(wakeUps, Long.MAX_VALUE)).containsExactly("c@180005");
        assertThat(wakeUps.size()).isZero();
    }

    @Test
    void entriesAddedWhileWakingComeDueAtTheirOwnInstant() throws Exception {
        WakeUps<String> wakeUps = new WakeUps<>();
        wakeUps.add(10, "a");
        wakeUps.add(20, "b");
        List<String> woken = new ArrayList<>();
        // a wake-up that moves its key on: one later in the same minute, one an hour on
        wakeUps.advance(30, (at, key) -> {
            woken.add(key + "@" + at);
            wakeUps.add(key.equals("a") ? 40 : 60 * MINUTE, key);
        });
        assertThat(woken).containsExactly("a@10", "b@20");
        assertThat(advance(wakeUps, 39)).isEmpty();
        assertThat(advance(wakeUps, 40)).containsExactly("a@40");
        assertThat(advance(wakeUps, 60 * MINUTE)).containsExactly("b@3600000");
    }

    @Test
    void manyEntriesOfOneMinuteAndNegativeInstantsKeepTheirOrder() throws Exception {
        WakeUps<Integer> wakeUps = new WakeUps<>();
        for (int i = 0; i < 1_000; i++) {
            wakeUps.add(-MINUTE + i, i);
            wakeUps.add(5 * MINUTE + i, 1_000 + i);
        }
        List<Integer> woken = new ArrayList<>();
        wakeUps.advance(0, (at, key) -> woken.add(key));
        assertThat(woken).hasSize(1_000).isSorted();
        woken.clear();
        wakeUps.advance(5 * MINUTE + 499, (at, key) -> woken.add(key));
        assertThat(woken).hasSize(500).isSorted().startsWith(1_000).endsWith(1_499);
        assertThat(wakeUps.size()).isEqualTo(500);
    }

    @Test
    void whatTheWatermarksMinuteKeepsAndWhatIsAddedToItMeanwhileComeDueInTheOrderAdded() throws Exception {
        WakeUps<String> wakeUps = new WakeUps<>();
        wakeUps.add(MINUTE + 50_000, "late");
        wakeUps.add(MINUTE + 10_000, "a");
        wakeUps.add(MINUTE + 40_000, "later");
        wakeUps.add(MINUTE + 20_000, "b");
        List<String> woken = new ArrayList<>();
        // each wake-up moves its key on within the same minute, before and after the kept entries
        wakeUps.advance(MINUTE + 30_000, (at, key) -> {
            woken.add(key + "@" + at);
            wakeUps.add(key.equals("a") ? MINUTE + 25_000 : MINUTE + 55_000, key + "'");
        });
        assertThat(woken).containsExactly("a@70000", "b@80000");
        assertThat(wakeUps.size()).isEqualTo(4);
        assertThat(wakeUps.keys()).containsExactlyInAnyOrder("late", "later", "a'", "b'");
        // a watermark step within the minute: the kept entries first, then those added while waking
        assertThat(advance(wakeUps, MINUTE + 45_000)).containsExactly("later@100000", "a'@85000");
        assertThat(wakeUps.size()).isEqualTo(2);
        assertThat(advance(wakeUps, 2 * MINUTE)).containsExactly("late@110000", "b'@115000");
        assertThat(wakeUps.size()).isZero();
        assertThat(advance(wakeUps, Long.MAX_VALUE)).isEmpty();
    }
}
