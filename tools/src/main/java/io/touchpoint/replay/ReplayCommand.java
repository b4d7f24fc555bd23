package io.touchpoint.replay;

import io.touchpoint.cli.Preflight;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.KafkaException;

/** {@code touchpoint replay --input FILE.jsonl[.gz]}: publishes a JSON Lines export to the input topics. */
public final class ReplayCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint replay --input FILE.jsonl[.gz] [--kafka HOST:PORT] [--config FILE]",
            "",
            "Publishes a JSON Lines file (SPEC section 2) to cx.interactions and cx.surveys as Avro, in file order,",
            "keyed by conversation_id (interactions) or customer_id (surveys). Only JSON types are checked: bad",
            "values reach the job and become dead letters, as they would live. Lines of the wrong types are",
            "reported and skipped (exit 1). Topics and Kafka client settings come from --config.");

    private static final int REPORTED_LINES = 20;

    private ReplayCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path input = null;
        String kafka = null;
        Path configFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--input" -> input = Path.of(value(args, ++i, "--input"));
                    case "--kafka" -> kafka = value(args, ++i, "--kafka");
                    case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (configFile != null && !Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("cannot read config " + configFile + " (no such file)");
            }
            if (input == null) {
                throw new IllegalArgumentException("--input FILE is required");
            }
            if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
                throw new IllegalArgumentException("cannot read " + input + " (no such file, or not readable)");
            }
        } catch (IllegalArgumentException e) {
            err.println("touchpoint replay: " + e.getMessage());
            return 2;
        }
        Configuration config;
        try {
            config = MonitorConfig.load(configFile,
                    kafka == null ? Map.of() : Map.of(MonitorOptions.KAFKA_BOOTSTRAP.key(), kafka), System.getenv());
        } catch (IOException | IllegalArgumentException e) {
            err.println("touchpoint replay: " + e.getMessage());
            return 2;
        }
        String bootstrap = config.get(MonitorOptions.KAFKA_BOOTSTRAP);
        try {
            Preflight.requireKafka(bootstrap, MonitorConfig.kafkaClientProperties(config));
        } catch (IllegalStateException e) {
            err.println("touchpoint replay: " + e.getMessage());
            return 2;
        }
        long[] bad = {0};
        try (Publisher publisher = new Publisher(bootstrap, config.get(MonitorOptions.TOPIC_INTERACTIONS),
                config.get(MonitorOptions.TOPIC_SURVEYS), MonitorConfig.kafkaClientProperties(config))) {
            JsonLines.read(input, new JsonLines.Handler() {
                @Override
                public void record(SpecificRecord record) {
                    publisher.publish(record);
                }

                @Override
                public void badLine(JsonLines.LineException e) {
                    if (bad[0]++ < REPORTED_LINES) {
                        err.println("touchpoint replay: " + e.getMessage());
                    }
                }
            });
            publisher.flush();
            out.println("published " + publisher.interactions() + " interactions, " + publisher.surveys()
                    + " surveys to " + bootstrap + (bad[0] > 0 ? "; skipped " + bad[0] + " bad lines" : ""));
        } catch (IOException e) {
            // e.g. a truncated .gz: what was read before is published, the rest is not
            err.println("touchpoint replay: cannot read " + input + ": " + e.getMessage());
            return 1;
        } catch (IllegalStateException | KafkaException e) {
            err.println("touchpoint replay: " + e.getMessage());
            return 1;
        }
        return bad[0] > 0 ? 1 : 0;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
