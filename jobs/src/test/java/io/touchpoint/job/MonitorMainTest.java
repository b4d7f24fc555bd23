package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.config.MonitorOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job's options ({@link RunOptions}) as the job jar's main reads them: values, defaults, errors, help. */
class MonitorMainTest {

    @TempDir
    Path dir;

    private record Outcome(Configuration config, int code, String out, String err) {}

    private static Outcome main(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        MonitorMain.Parsed parsed = MonitorMain.parse(args, Map.of(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Outcome(parsed.config(), parsed.exit(), out.toString(), err.toString());
    }

    private static Configuration parse(String... args) {
        Outcome outcome = main(args);
        assertThat(outcome.err()).isEmpty();
        return outcome.config();
    }

    private static RunOptions options(String... args) {
        RunOptions options = new RunOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void withoutArgumentsTheDefaultsOfMonitorOptionsHold() {
        Configuration plain = parse();
        assertThat(plain.get(MonitorOptions.BOUNDED)).isFalse();
        assertThat(plain.get(MonitorOptions.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:9092");
        assertThat(plain.get(MonitorOptions.INFLUX_URL)).isEqualTo("http://127.0.0.1:8086");
        assertThat(plain.get(MonitorOptions.INFLUX_DATABASE)).isEqualTo("touchpoint");
        assertThat(plain.get(MonitorOptions.STATE_FRESH)).isFalse();
        assertThat(plain.getOptional(MonitorOptions.STATE_DIR)).isEmpty();
        // unset, so that flink run -p decides; run and run --cluster read the default, 2
        assertThat(plain.contains(MonitorOptions.PARALLELISM)).isFalse();
        assertThat(plain.get(MonitorOptions.PARALLELISM)).isEqualTo(2);
    }

    @Test
    void everyFlagSetsItsKey() {
        Configuration config = parse("--bounded", "--kafka", "k1:9092,k2:9093", "--influx", "https://influx.example:8086/",
                "--db", "cx_prod", "--parallelism", "4", "--fresh", "--state-dir", "/var/lib/touchpoint");
        assertThat(config.toMap()).containsAllEntriesOf(Map.of(
                "mode.bounded", "true",
                "kafka.bootstrap-servers", "k1:9092,k2:9093",
                "influx.url", "https://influx.example:8086",
                "influx.database", "cx_prod",
                "job.parallelism", "4",
                "state.fresh", "true",
                "state.dir", "/var/lib/touchpoint"));
        // picocli's other spelling of the same options
        assertThat(parse("--parallelism=3", "--db=x").toMap()).containsEntry("job.parallelism", "3")
                .containsEntry("influx.database", "x");
    }

    @Test
    void flagsGoOverTheFileAndTheFileOverTheDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("monitor.properties"), String.join("\n",
                "influx.database = fromfile", "job.parallelism = 3", "state.dir = /srv/state",
                "kafka.bootstrap-servers = file:9092", "checkpoint.interval = 5 s", ""));
        Configuration fromFile = parse("--config", file.toString());
        assertThat(fromFile.get(MonitorOptions.INFLUX_DATABASE)).isEqualTo("fromfile");
        assertThat(fromFile.get(MonitorOptions.PARALLELISM)).isEqualTo(3);
        assertThat(fromFile.get(MonitorOptions.STATE_DIR)).isEqualTo("/srv/state");
        assertThat(fromFile.get(MonitorOptions.CHECKPOINT_INTERVAL)).hasSeconds(5);
        Configuration flags = parse("--config", file.toString(), "--db", "flag", "--parallelism", "6",
                "--kafka", "flag:9092");
        assertThat(flags.get(MonitorOptions.INFLUX_DATABASE)).isEqualTo("flag");
        assertThat(flags.get(MonitorOptions.PARALLELISM)).isEqualTo(6);
        assertThat(flags.get(MonitorOptions.KAFKA_BOOTSTRAP)).isEqualTo("flag:9092");
        assertThat(flags.get(MonitorOptions.STATE_DIR)).isEqualTo("/srv/state");
    }

    @Test
    void theStateDirectoryMayComeFromTheFileButFreshOnlyFromTheFlag() throws Exception {
        Path fresh = Files.writeString(dir.resolve("fresh.properties"), "state.fresh = true\n");
        assertThatThrownBy(() -> options("--config", fresh.toString()).configuration(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state.fresh is set only by the --fresh flag");
        assertThat(options("--config", fresh.toString(), "--fresh").configuration(Map.of())
                .get(MonitorOptions.STATE_FRESH)).isTrue();
    }

    @Test
    void secretsComeFromTheEnvironment() {
        Configuration config = options().configuration(Map.of("TOUCHPOINT_INFLUX_USER", "writer",
                "TOUCHPOINT_INFLUX_PASSWORD", "s3cret"));
        assertThat(config.get(MonitorOptions.INFLUX_USER)).isEqualTo("writer");
        assertThat(config.get(MonitorOptions.INFLUX_PASSWORD)).isEqualTo("s3cret");
        // there is no flag for them at all
        assertThat(main("--influx-password", "x").err()).startsWith("touchpoint run: Unknown options: '--influx-password'");
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() throws Exception {
        assertThat(main("--state-dir")).isEqualTo(new Outcome(null, 2, "", "touchpoint run: Missing required "
                + "parameter for option '--state-dir' (DIR) (see touchpoint run --help)\n"));
        assertThat(main("--bogus")).isEqualTo(new Outcome(null, 2, "",
                "touchpoint run: Unknown option: '--bogus' (see touchpoint run --help)\n"));
        assertThat(main("--parallelism", "many").err()).isEqualTo("touchpoint run: Invalid value for option "
                + "'--parallelism': 'many' is not an int (see touchpoint run --help)\n");
        assertThat(main("--parallelism", "0")).isEqualTo(new Outcome(null, 2, "",
                "touchpoint run: --parallelism takes a positive number, got '0'\n"));
        assertThat(main("--kafka", "nohost").err()).isEqualTo("touchpoint run: --kafka takes HOST:PORT, got 'nohost'\n");
        assertThat(main("--kafka", "a:9092,b:x").err()).isEqualTo(
                "touchpoint run: --kafka takes HOST:PORT, got 'a:9092,b:x'\n");
        assertThat(main("--influx", "127.0.0.1:8086").err()).isEqualTo(
                "touchpoint run: --influx takes a URL like http://127.0.0.1:8086, got '127.0.0.1:8086'\n");
        assertThat(main("--db", "a b").err()).isEqualTo(
                "touchpoint run: --db takes a name of letters, digits, '_' or '-', got 'a b'\n");
        Path absent = dir.resolve("absent.properties");
        assertThat(main("--config", absent.toString())).isEqualTo(new Outcome(null, 2, "",
                "touchpoint run: cannot read config " + absent + " (no such file)\n"));
        Path bad = Files.writeString(dir.resolve("bad.properties"), "checkpoint.interval = soon\n");
        Outcome badSetting = main("--config", bad.toString());
        assertThat(badSetting.code()).isEqualTo(2);
        assertThat(badSetting.err()).startsWith("touchpoint run: bad setting: ").contains("soon").endsWith("\n")
                .hasLineCount(1);
        Path none = Files.writeString(dir.resolve("none.properties"), "touchpoints.max-per-channel = 0\n");
        assertThat(main("--config", none.toString()).err())
                .isEqualTo("touchpoint run: touchpoints.max-per-channel must be at least 1\n");
    }

    @Test
    void helpIsGeneratedFromTheDeclarationsWithTheKeysAndDefaultsOfMonitorOptions() {
        Outcome help = main("--help");
        assertThat(help.code()).isZero();
        assertThat(help.config()).isNull();
        assertThat(help.out()).startsWith("Usage: touchpoint run [-hV] [--bounded] [--fresh] [--config=FILE] [--db=NAME]");
        for (var option : new CommandLine(new RunOptions()).getCommandSpec().options()) {
            assertThat(help.out()).contains(option.longestName());
        }
        assertThat(help.out().replaceAll("\\s+", " ")).contains("README.md, section Configuration",
                "TOUCHPOINT_INFLUX_PASSWORD", "Exit codes");
        // each flag names the key it sets, and the default it states is MonitorOptions' own
        assertThat(description("--bounded")).contains("(mode.bounded;");
        assertThat(description("--kafka")).endsWith("kafka.bootstrap-servers of --config, else "
                + MonitorOptions.KAFKA_BOOTSTRAP.defaultValue() + ").");
        assertThat(description("--influx")).endsWith("influx.url of --config, else "
                + MonitorOptions.INFLUX_URL.defaultValue() + ").");
        assertThat(description("--db")).endsWith("influx.database of --config, else "
                + MonitorOptions.INFLUX_DATABASE.defaultValue() + ").");
        assertThat(description("--parallelism")).contains("(job.parallelism; default: job.parallelism of --config, "
                + "else " + MonitorOptions.PARALLELISM.defaultValue() + ";");
        assertThat(description("--fresh")).contains("(state.fresh,");
        assertThat(description("--state-dir")).contains("(state.dir;");
        Outcome version = main("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("touchpoint 0.1.0-SNAPSHOT (Java ");
    }

    private static String description(String option) {
        return String.join(" ", new CommandLine(new RunOptions()).getCommandSpec().findOption(option).description());
    }

    @Test
    void programArgumentsGiveTheJobTheSameSettingsWithTheConfigFileMadeAbsolute() throws Exception {
        Path file = Files.writeString(dir.resolve("monitor.properties"), "influx.database = fromfile\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        RunOptions given = options("--kafka", "k:9092", "--config", relative.toString(), "--parallelism", "4",
                "--bounded");
        assertThat(given.programArguments()).containsExactly("--bounded", "--kafka", "k:9092", "--config",
                file.toString(), "--parallelism", "4");
        assertThat(parse(given.programArguments().toArray(String[]::new)).toMap())
                .isEqualTo(given.configuration(Map.of()).toMap());
        assertThat(options().programArguments()).isEqualTo(List.of());
    }
}
