package io.touchpoint.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the Kafka cluster while {@code run} runs: the Kafka source itself retries silently for as long as the
 * brokers are away, so this says once that Kafka is unreachable and what happens meanwhile, and once that it is back
 * (never a line per retry). State: since when the brokers have been unreachable (or not), kept for the run.
 */
public final class KafkaWatch implements AutoCloseable {

    /** How often the cluster is asked; with the 10 s check timeout a WARN comes within 30 s of an outage. */
    static final Duration PERIOD = Duration.ofSeconds(10);

    private final String bootstrap;
    private final Properties clientSettings;
    private final Consumer<String> log;
    private ScheduledExecutorService timer;
    private long downSince = -1;

    public KafkaWatch(String bootstrap, Properties clientSettings, Consumer<String> log) {
        this.bootstrap = bootstrap;
        this.clientSettings = clientSettings;
        this.log = log;
    }

    /** Starts asking every {@code period} on a daemon thread. */
    public KafkaWatch start(Duration period) {
        timer = RunStatus.daemonTimer("kafka-watch");
        timer.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void check() {
        String reason = null;
        try {
            Preflight.requireKafka(bootstrap, clientSettings);
        } catch (IllegalStateException e) {
            // the start-up check's advice (stack up) does not fit a broker that went away during the run
            reason = e.getMessage().startsWith("cannot reach") ? "no broker answers" : e.getMessage();
        }
        observed(reason == null, reason, System.currentTimeMillis()).ifPresent(log);
    }

    /** One observation; the line to log when the state changed. */
    synchronized Optional<String> observed(boolean reachable, String reason, long nowMillis) {
        if (!reachable && downSince < 0) {
            downSince = nowMillis;
            return Optional.of("Kafka at " + bootstrap + " is unreachable (" + reason + "); the job reads nothing "
                    + "meanwhile (live gauges show the channels quiet) and goes on from its checkpointed offsets when "
                    + "it is back, nothing is lost");
        }
        if (reachable && downSince >= 0) {
            double seconds = (nowMillis - downSince) / 1000.0;
            downSince = -1;
            return Optional.of(String.format(Locale.ROOT, "Kafka at %s is back after %.1f s; the job reads on",
                    bootstrap, seconds));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
