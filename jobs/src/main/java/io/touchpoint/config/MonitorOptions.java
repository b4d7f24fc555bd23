package io.touchpoint.config;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the monitor job, with its default. Set them in a properties file ({@code --config FILE}), and
 * the few that have flags on the command line ({@code --kafka}, {@code --influx}, {@code --db}, {@code --bounded}).
 * Secrets come only from the environment or the properties file: see {@link MonitorConfig}.
 */
public final class MonitorOptions {

    private MonitorOptions() {}

    // --- Kafka -------------------------------------------------------------------------------------------------

    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue("127.0.0.1:9092").withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("touchpoint-monitor").withDescription("Consumer group (offsets live in checkpoints).");

    public static final ConfigOption<String> TOPIC_INTERACTIONS = ConfigOptions.key("topic.interactions")
            .stringType().defaultValue("cx.interactions");

    public static final ConfigOption<String> TOPIC_SURVEYS = ConfigOptions.key("topic.surveys")
            .stringType().defaultValue("cx.surveys");

    public static final ConfigOption<String> TOPIC_CHURN_RISK = ConfigOptions.key("topic.churn-risk")
            .stringType().defaultValue("cx.churn-risk");

    public static final ConfigOption<String> TOPIC_DEAD_LETTER = ConfigOptions.key("topic.dead-letter")
            .stringType().defaultValue("cx.dead-letter");

    /** Prefix of settings passed through to every Kafka client, e.g. {@code kafka.client.security.protocol}. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    // --- Mode and time -----------------------------------------------------------------------------------------

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("mode.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Read every topic from the earliest offset to the end offsets found at start, then finish.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("watermark.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(10));

    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("watermark.idleness")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("A source split with no records for this long is quiet: in live mode its watermark "
                    + "follows the wall clock.");

    public static final ConfigOption<Duration> LIVE_MAX_LAG = ConfigOptions.key("watermark.live-max-lag")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Live mode: how far a quiet source's watermark may trail the wall clock.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOptions.key("lateness.allowed")
            .durationType().defaultValue(Duration.ofHours(1));

    public static final ConfigOption<Duration> FUTURE_TOLERANCE = ConfigOptions.key("ingest.future-tolerance")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("Events further ahead of the wall clock than this are dead letters (FUTURE_TIMESTAMP).");

    public static final ConfigOption<Duration> MAX_AGE = ConfigOptions.key("ingest.max-age")
            .durationType().defaultValue(Duration.ofDays(400))
            .withDescription("Events older than this before the wall clock are dead letters (TOO_OLD): an unset or "
                    + "corrupted clock, not data.");

    public static final ConfigOption<Duration> SURVEY_DEDUP_WINDOW = ConfigOptions.key("dedup.survey-window")
            .durationType().defaultValue(Duration.ofHours(24));

    // --- Metrics -----------------------------------------------------------------------------------------------

    public static final ConfigOption<Integer> MAX_TOUCHPOINTS = ConfigOptions.key("touchpoints.max-per-channel")
            .intType().defaultValue(100)
            .withDescription("Distinct touchpoints per channel written as tags; the rest are written as 'other'.");

    public static final ConfigOption<String> SLA_TARGETS = ConfigOptions.key("sla.targets")
            .stringType().defaultValue("")
            .withDescription("First-reply targets in seconds overriding the defaults, e.g. 'chat=90,email=7200'.");

    /** {@code calendar.<channel>}: business hours of a channel, e.g. 'Europe/Berlin; mon-fri 09:00-18:00'. */
    public static final String CALENDAR_PREFIX = "calendar.";

    public static final ConfigOption<Duration> CONVERSATION_LIFETIME = ConfigOptions.key("conversation.lifetime")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("A conversation without events this long is forgotten; a running clock then expires.");

    public static final ConfigOption<String> CHURN_POINTS = ConfigOptions.key("churn.points")
            .stringType().defaultValue("")
            .withDescription("Churn points overriding SPEC defaults, e.g. 'reopen=5,nps_promoter=-30'.");

    public static final ConfigOption<Duration> CHURN_HALF_LIFE = ConfigOptions.key("churn.half-life")
            .durationType().defaultValue(Duration.ofDays(14));

    // --- InfluxDB ----------------------------------------------------------------------------------------------

    public static final ConfigOption<String> INFLUX_URL = ConfigOptions.key("influx.url")
            .stringType().defaultValue("http://127.0.0.1:8086");

    public static final ConfigOption<String> INFLUX_DATABASE = ConfigOptions.key("influx.database")
            .stringType().defaultValue("touchpoint");

    /** From {@code TOUCHPOINT_INFLUX_USER} or the properties file; never a flag. */
    public static final ConfigOption<String> INFLUX_USER = ConfigOptions.key("influx.username")
            .stringType().noDefaultValue();

    /** From {@code TOUCHPOINT_INFLUX_PASSWORD} or the properties file; never a flag. */
    public static final ConfigOption<String> INFLUX_PASSWORD = ConfigOptions.key("influx.password")
            .stringType().noDefaultValue();

    /** 5,000: as fast as 20,000 and far faster than 1,000 for sink and raw writer alike (docs/benchmarks.md). */
    public static final ConfigOption<Integer> INFLUX_BATCH_SIZE = ConfigOptions.key("influx.batch-size")
            .intType().defaultValue(5000);

    public static final ConfigOption<Duration> INFLUX_FLUSH_INTERVAL = ConfigOptions.key("influx.flush-interval")
            .durationType().defaultValue(Duration.ofSeconds(1));

    public static final ConfigOption<Boolean> INFLUX_GZIP = ConfigOptions.key("influx.gzip")
            .booleanType().defaultValue(false)
            .withDescription("Compress each batch with gzip (for an InfluxDB across a slow network link).");

    public static final ConfigOption<Boolean> INFLUX_OVERLAP_WRITES = ConfigOptions.key("influx.overlap-writes")
            .booleanType().defaultValue(true)
            .withDescription("Send a batch while the next one is filled: one request in flight per writer, batches "
                    + "in order; false blocks the task for every write.");

    public static final ConfigOption<Duration> INFLUX_RETRY_MAX_BACKOFF = ConfigOptions.key("influx.retry.max-backoff")
            .durationType().defaultValue(Duration.ofSeconds(5));

    public static final ConfigOption<Duration> INFLUX_RETRY_TIMEOUT = ConfigOptions.key("influx.retry.timeout")
            .durationType().defaultValue(Duration.ofMinutes(2))
            .withDescription("How long a batch is retried before the writer fails (and with it the checkpoint).");

    // --- Runtime -----------------------------------------------------------------------------------------------

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10));

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType().noDefaultValue()
            .withDescription("Where checkpoints are stored (a file:// or other Flink file system URI). Unset: the "
                    + "cluster's own setting; bin/touchpoint run uses .stack/checkpoints.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("job.parallelism")
            .intType().defaultValue(2);

    /** The state backends the job can be told to use. */
    public enum StateBackend { HASHMAP, ROCKSDB }

    public static final ConfigOption<StateBackend> STATE_BACKEND = ConfigOptions.key("state.backend")
            .enumType(StateBackend.class).noDefaultValue()
            .withDescription("hashmap (state on the JVM heap) or rocksdb (state on local disk, incremental "
                    + "checkpoints). Unset: the cluster's own setting, which is rocksdb on bin/touchpoint cluster and "
                    + "hashmap in bin/touchpoint run's mini-cluster.");

    public static final ConfigOption<Double> MAX_RECORDS_PER_SECOND = ConfigOptions.key("ingest.max-records-per-second")
            .doubleType().defaultValue(0.0)
            .withDescription("Caps how fast each input topic is read, over all its source subtasks together, so a "
                    + "backfill of old records does not flood InfluxDB; 0 reads as fast as possible.");

    // --- State between starts of a live run (bin/touchpoint run) ----------------------------------------------

    public static final ConfigOption<String> STATE_DIR = ConfigOptions.key("state.dir")
            .stringType().noDefaultValue()
            .withDescription("Live bin/touchpoint run: folder of the savepoints taken on stop and the checkpoints "
                    + "retained after a crash, one subfolder per configuration. Unset: .stack/state of the checkout.");

    /** Set by {@code --fresh} only: start with empty state and set the earlier state of the configuration aside. */
    public static final ConfigOption<Boolean> STATE_FRESH = ConfigOptions.key("state.fresh")
            .booleanType().defaultValue(false);
}
