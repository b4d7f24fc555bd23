package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code touchpoint demo} as a newcomer runs it, over one simulated hour instead of three to keep the suite short. */
class DemoCommandITCase {

    private static Path root() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.exists(d.resolve("grafana"))) {
            d = d.getParent();
        }
        return d;
    }

    @Test
    void theDefaultScenarioShowsTheDegradedChannelAndItsAlert() {
        String previous = System.getProperty("touchpoint.home");
        System.setProperty("touchpoint.home", root().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = Touchpoint.run(new String[] {"demo", "--duration", "1h"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            if (previous == null) {
                System.clearProperty("touchpoint.home");
            } else {
                System.setProperty("touchpoint.home", previous);
            }
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + printed).isZero();
        List<String> lines = printed.lines().toList();
        assertThat(printed).contains("simulating 1 h of 'chat-agents-offline' traffic");
        // the per-channel table: chat, and only chat, marked, naming the rule
        List<String> marked = lines.stream().filter(l -> l.startsWith("! ")).toList();
        assertThat(marked).hasSize(1);
        assertThat(marked.get(0)).startsWith("! chat ").endsWith("oldest-wait-over-twice-sla");
        assertThat(lines).anyMatch(l -> l.startsWith("  phone ") && l.endsWith("  -"));
        // the alerts table: that rule firing on chat, with its team and runbook
        assertThat(lines).anyMatch(l -> l.startsWith("oldest-wait-over-twice-sla") && l.contains(" chat ")
                && l.contains("Firing since") && l.contains("> 2") && l.contains("live-support")
                && l.endsWith("docs/runbooks/oldest-wait-over-twice-sla.md"));
    }

    @Test
    void anUnknownScenarioIsOneLineAndExitTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Touchpoint.run(new String[] {"demo", "--scenario", "nope"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("touchpoint demo: unknown scenario 'nope' (a file, "
                + "or one of steady, email-outage, chat-surge, nps-drop, chat-agents-offline, cancellations-wave, "
                + "sms-gateway-down, broken-survey-form)\n");
        assertThat(out.size()).isZero();
    }
}
