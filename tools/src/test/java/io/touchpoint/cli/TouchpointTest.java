package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The dispatcher and the picocli commands: generated help, version, completion, parsed options, one-line errors. */
class TouchpointTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Touchpoint.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        for (String command : new String[] {"demo", "stack", "run", "cluster", "simulate", "replay", "gateway",
            "alerts", "bench", "completion"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(r.out()).contains("Exit codes:", "  2  bad arguments");
        assertThat(run().code()).isEqualTo(2);
    }

    @Test
    void versionComesFromTheBuild() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("touchpoint 0.1.0-SNAPSHOT (Java ");
        assertThat(run("alerts", "--version").out()).startsWith("touchpoint 0.1.0-SNAPSHOT");
    }

    @Test
    void badArgumentsAreOneLineWithAHintAndExitTwo() {
        assertThat(run("nope")).isEqualTo(new Result(2, "",
                "touchpoint: unknown command 'nope' (see touchpoint --help)\n"));
        assertThat(run("alerts", "--bogus")).isEqualTo(new Result(2, "",
                "touchpoint alerts: Unknown option: '--bogus' (see touchpoint alerts --help)\n"));
        assertThat(run("alerts", "--at", "yesterday")).isEqualTo(new Result(2, "",
                "touchpoint alerts: --at 'yesterday' is not an ISO-8601 instant such as 2026-03-02T10:30:00Z\n"));
        assertThat(run("alerts", "test")).isEqualTo(new Result(2, "",
                "touchpoint alerts test: Missing required parameter: 'FILE' (see touchpoint alerts test --help)\n"));
        assertThat(run("demo", "--seed", "x").err()).isEqualTo("touchpoint demo: Invalid value for option '--seed': "
                + "'x' is not a long (see touchpoint demo --help)\n");
    }

    @Test
    void runTakesTheJobJarsDeclarationsWithGeneratedHelpAndOneLineErrors() throws Exception {
        Result help = run("run", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("run the monitor job in a local Flink mini-cluster")
                .contains("Usage: touchpoint run [-hV] [--bounded] [--fresh] [--config=FILE] [--db=NAME]",
                        "[--cluster=URL [--from-savepoint=PATH]", "On a Flink cluster", "Exit codes:",
                        "  130  live: a second signal");
        CommandLine.Model.CommandSpec runSpec = Touchpoint.commandLine(System.out, System.err).getSubcommands()
                .get("run").getCommandSpec();
        for (var option : new CommandLine(new io.touchpoint.job.RunOptions()).getCommandSpec().options()) {
            assertThat(runSpec.findOption(option.longestName()).description()).isEqualTo(option.description());
            assertThat(help.out()).contains(option.longestName());
        }
        assertThat(run("run", "--version").out()).startsWith("touchpoint 0.1.0-SNAPSHOT (Java ");
        assertThat(run("run", "--bogus")).isEqualTo(new Result(2, "",
                "touchpoint run: Unknown option: '--bogus' (see touchpoint run --help)\n"));
        assertThat(run("run", "--state-dir")).isEqualTo(new Result(2, "", "touchpoint run: Missing required "
                + "parameter for option '--state-dir' (DIR) (see touchpoint run --help)\n"));
        assertThat(run("run", "--parallelism", "0")).isEqualTo(new Result(2, "",
                "touchpoint run: --parallelism takes a positive number, got '0'\n"));
        assertThat(run("run", "--jar", "job.jar")).isEqualTo(new Result(2, "",
                "touchpoint run: Error: Missing required argument(s): --cluster=URL (see touchpoint run --help)\n"));
        java.nio.file.Path fresh = java.nio.file.Files.createTempFile("touchpoint", ".properties");
        java.nio.file.Files.writeString(fresh, "state.fresh = true\n");
        assertThat(run("run", "--config", fresh.toString())).isEqualTo(new Result(2, "",
                "touchpoint run: state.fresh is set only by the --fresh flag\n"));
        java.nio.file.Files.delete(fresh);
    }

    @Test
    void benchAndItsSubcommandsParseTheirOptions() {
        BenchCommand bench = new BenchCommand(System.out);
        assertThat(bench.skeleton).isFalse();
        assertThat(bench.stateBackend).isEqualTo(BenchCommand.Backend.hashmap);
        new CommandLine(bench).parseArgs("--events", "5000", "--sink", "discard", "--scale", "2.5", "--skeleton",
                "--state-backend", "rocksdb");
        assertThat(bench.events).isEqualTo(5000);
        assertThat(bench.skeleton).isTrue();
        assertThat(bench.stateBackend).isEqualTo(BenchCommand.Backend.rocksdb);
        assertThat(bench.sink).isEqualTo(BenchCommand.Sink.discard);
        assertThat(bench.load.scale).isEqualTo(2.5);
        assertThat(bench.load.parallelism).isEqualTo(2);
        assertThat(bench.seed).isEqualTo(11);
        assertThat(run("bench", "--events", "0")).isEqualTo(new Result(2, "",
                "touchpoint bench: --events, --scale and --parallelism must be positive\n"));
        assertThat(run("bench", "--sink", "discard", "--influx-outage", "5")).isEqualTo(new Result(2, "",
                "touchpoint bench: --influx-outage needs --sink influx\n"));
        assertThat(run("bench", "churn-state", "--events", "5")).isEqualTo(new Result(2, "",
                "touchpoint bench churn-state: Unknown options: '--events', '5' "
                        + "(see touchpoint bench churn-state --help)\n"));
        Result help = run("bench", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).containsPattern("(?m)^  churn-state +\\S").containsPattern("(?m)^  live +\\S");
        assertThat(run("bench", "conversation-state", "--help").out()).contains("--conversations=N");
    }

    /** The shared options, mixed in as a command does. */
    @CommandLine.Command
    static final class Mixed {
        @CommandLine.Mixin
        ConnectionOptions.Config config;

        @CommandLine.Mixin
        ConnectionOptions.Kafka kafka;

        @CommandLine.Mixin
        ConnectionOptions.Influx influx;
    }

    @Test
    void optionsAreParsedWithTheirDefaults() throws Exception {
        Mixed mixed = new Mixed();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("touchpoint", ".properties");
        java.nio.file.Files.writeString(file, "influx.database = fromfile\ntopic.surveys = s\n");
        new CommandLine(mixed).parseArgs("--kafka", "k:9", "--config", file.toString());
        org.apache.flink.configuration.Configuration c = ConnectionOptions.load(mixed.config, mixed.kafka, mixed.influx);
        assertThat(c.get(io.touchpoint.config.MonitorOptions.KAFKA_BOOTSTRAP)).isEqualTo("k:9");
        assertThat(c.get(io.touchpoint.config.MonitorOptions.INFLUX_DATABASE)).isEqualTo("fromfile");
        assertThat(c.get(io.touchpoint.config.MonitorOptions.INFLUX_URL)).isEqualTo("http://127.0.0.1:8086");
        assertThat(c.get(io.touchpoint.config.MonitorOptions.TOPIC_SURVEYS)).isEqualTo("s");
        new CommandLine(mixed).parseArgs("--db", "flag", "--config", file.toString());
        assertThat(ConnectionOptions.load(mixed.config, mixed.kafka, mixed.influx)
                .get(io.touchpoint.config.MonitorOptions.INFLUX_DATABASE)).isEqualTo("flag");
        java.nio.file.Files.delete(file);
        assertThat(run("alerts", "--config", file.toString())).isEqualTo(new Result(2, "",
                "touchpoint alerts: cannot read config " + file + " (no such file)\n"));
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs();
        assertThat(demo.scenarioName).isEqualTo("chat-agents-offline");
        assertThat(demo.duration).isEqualTo("3h");
        assertThat(demo.seed).isEqualTo(7);
    }

    @Test
    void helpTextsListTheScenariosOfTheIndexAndCompletionCoversEveryCommand() {
        String help = run("demo", "--help").out();
        assertThat(help.replaceAll("\\s+", " ")).contains("one of steady, email-outage, chat-surge, nps-drop, "
                + "chat-agents-offline, cancellations-wave, sms-gateway-down, broken-survey-form, or a scenario file");
        String script = run("completion").out();
        assertThat(script).contains("complete -F _complete_touchpoint", "bin/touchpoint");
        assertThat(script).contains("local commands=\"demo stack run cluster simulate replay gateway alerts bench completion\"",
                "--scenario", "--input");
        assertThat(script).contains("'--bounded'", "'--fresh'", "'--parallelism'", "'--state-dir'", "'--cluster'",
                "'--from-savepoint'", "'--jar'");
    }
}
