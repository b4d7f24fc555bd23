package io.touchpoint.replay;

import io.touchpoint.cli.Cli;
import io.touchpoint.cli.ConnectionOptions;
import io.touchpoint.cli.Preflight;
import io.touchpoint.cli.Progress;
import io.touchpoint.cli.ProgressLine;
import io.touchpoint.cli.Touchpoint;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code touchpoint replay --input FILE.jsonl[.gz]}: publishes a JSON Lines export to the input topics. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false, header = "publish a JSON Lines export (.jsonl or .jsonl.gz) to Kafka",
        description = {
            "Publishes a JSON Lines file (SPEC section 2) to cx.interactions and cx.surveys as Avro, in file order, "
                    + "keyed by conversation_id (interactions) or customer_id (surveys). Only JSON types are checked: "
                    + "bad values reach the job and become dead letters, as they would live. Lines of the wrong types "
                    + "are reported and skipped (exit 1). Topics and Kafka client settings come from --config.",
            "Progress goes to stderr: a line rewritten in place on a terminal, else one line every 10 s."})
public final class ReplayCommand implements Callable<Integer> {

    private static final int REPORTED_LINES = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl[.gz]", description = "The export to publish.")
    Path input;

    @Mixin
    ConnectionOptions.Kafka kafka;

    @Mixin
    ConnectionOptions.Config config;

    private final boolean terminal;

    public ReplayCommand(boolean terminal) {
        this.terminal = terminal;
    }

    /** {@code touchpoint replay ARGS}, through the dispatcher so that help and errors name the full command. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Touchpoint.run("replay", args, out, err);
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new Cli.BadInput("cannot read " + input + " (no such file, or not readable)");
        }
        Configuration settings = ConnectionOptions.load(config, kafka, null);
        String bootstrap = settings.get(MonitorOptions.KAFKA_BOOTSTRAP);
        try {
            Preflight.requireKafka(bootstrap, MonitorConfig.kafkaClientProperties(settings));
        } catch (IllegalStateException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressLine progress = ProgressLine.progress(err, terminal);
        long[] bad = {0};
        long size;
        AtomicLong bytesRead = new AtomicLong();
        long started = System.nanoTime();
        Instant[] eventTime = {null};
        try (Publisher publisher = new Publisher(bootstrap, settings.get(MonitorOptions.TOPIC_INTERACTIONS),
                settings.get(MonitorOptions.TOPIC_SURVEYS), MonitorConfig.kafkaClientProperties(settings))) {
            size = Files.size(input);
            JsonLines.read(input, new JsonLines.Handler() {
                @Override
                public void record(SpecificRecord record) {
                    publisher.publish(record);
                    eventTime[0] = occurredAt(record);
                    progress.update(() -> new Progress(bytesRead.get(), size,
                            publisher.interactions() + publisher.surveys(), eventTime[0],
                            Duration.ofNanos(System.nanoTime() - started)).describe("replay", megabytes(size)));
                }

                @Override
                public void badLine(JsonLines.LineException e) {
                    if (bad[0]++ < REPORTED_LINES) {
                        progress.finish();
                        err.println("touchpoint replay: " + e.getMessage());
                    }
                }
            }, bytesRead);
            publisher.flush();
            progress.finish();
            out.println("published " + publisher.interactions() + " interactions, " + publisher.surveys()
                    + " surveys to " + bootstrap + (bad[0] > 0 ? "; skipped " + bad[0] + " bad lines" : ""));
        } catch (IOException e) {
            // e.g. a truncated .gz: what was read before is published, the rest is not
            progress.finish();
            throw new IllegalStateException("cannot read " + input + ": " + e.getMessage());
        } catch (KafkaException e) {
            progress.finish();
            throw new IllegalStateException(e.getMessage());
        }
        return bad[0] > 0 ? Cli.FAILED : Cli.OK;
    }

    private static Instant occurredAt(SpecificRecord record) {
        Schema.Field field = record.getSchema().getField("occurred_at");
        return field != null && record.get(field.pos()) instanceof Instant at ? at : null;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
