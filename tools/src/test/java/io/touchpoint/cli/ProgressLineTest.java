package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void notATerminalGetsAPlainLineEveryTenSeconds() {
        StringWriter captured = new StringWriter();
        AtomicLong clock = new AtomicLong(1_000);
        ProgressLine line = new ProgressLine(new PrintWriter(captured), false, Duration.ofSeconds(10), clock::get);
        int[] built = {0};
        for (long t = 1_000; t <= 26_000; t += 500) {
            clock.set(t);
            line.update(() -> "at " + clock.get() / 1000 + " s (" + ++built[0] + ")");
        }
        line.finish();
        // due at 11 s and 21 s after a start at 1 s; the text is built only when a line is printed
        assertThat(captured.toString()).isEqualTo("at 11 s (1)\nat 21 s (2)\n");
    }

    @Test
    void aTerminalLineIsRewrittenInPlaceEverySecondAndClearedAtTheEnd() {
        StringWriter captured = new StringWriter();
        AtomicLong clock = new AtomicLong(0);
        ProgressLine line = new ProgressLine(new PrintWriter(captured), true, Duration.ofSeconds(10), clock::get);
        clock.set(500);
        line.update(() -> "never");
        clock.set(1_000);
        line.update(() -> "longer one");
        clock.set(2_000);
        line.update(() -> "short");
        line.finish();
        assertThat(captured.toString()).isEqualTo("\rlonger one\rshort     \r          \r");
    }

    @Test
    void progressSaysDoneOfTotalEventTimeRateAndEta() {
        // a quarter of 12 MB in 10 s with 5,000 records: 500 records/s, three quarters left = 30 s
        Progress p = new Progress(3_000_000, 12_000_000, 5_000, Instant.parse("2026-11-20T10:32:41Z"),
                Duration.ofSeconds(10));
        assertThat(p.recordsPerSecond()).isEqualTo(500.0);
        assertThat(p.eta()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.describe("replay", "12.0 MB")).isEqualTo(
                "replay: 25% of 12.0 MB, 5,000 records, event time 2026-11-20T10:32:00Z, 500 records/s, ETA 30 s");
        assertThat(new Progress(0, 0, 0, null, Duration.ZERO).describe("run", "")).isEqualTo("run: 0 records, 0 records/s");
        assertThat(Progress.human(Duration.ofSeconds(250))).isEqualTo("4 min 10 s");
        assertThat(Progress.human(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
    }
}
