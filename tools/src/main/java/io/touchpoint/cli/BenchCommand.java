package io.touchpoint.cli;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.churn.ChurnSignals;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.KafkaInputs;
import io.touchpoint.ingest.RecordDecoder;
import io.touchpoint.job.MonitorJob;
import io.touchpoint.replay.Publisher;
import io.touchpoint.schemas.CodecException;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code touchpoint bench}: throughput of the whole job against its ceiling, on this machine. Kafka runs in its own
 * JVM and influxd in its own process, so the heap figure is the job's (plus this driver's consumer).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false, header = "measure throughput against a local Kafka topic (docs/benchmarks.md)",
        subcommands = {BenchCommand.ChurnState.class, BenchCommand.ConversationState.class, BenchCommand.Live.class,
            BenchCommand.SinkVariants.class},
        description = {
            "Pre-fills local Kafka topics (3 partitions each) with N simulated events, then measures (1) the ceiling: "
                    + "one plain KafkaConsumer reading and Avro-decoding every record, and (2) the monitor job, "
                    + "bounded, at parallelism P writing to a local influxd. Prints events/s for both, their ratio, "
                    + "simulated days per second, points/s, the busy, back-pressured and idle time of each task and "
                    + "the peak heap used, and (3) the raw-writer peer: the points the job emitted, sent to the same "
                    + "influxd by plain HTTP writers (one per sink writer, each with the points its writer got, same "
                    + "batch size, precision and gzip) as fast as they go; the job's points/s as a ratio of it, and the "
                    + "simulated days per second InfluxDB allows at the peer's rate (the bound of any job writing "
                    + "these points here)."})
public final class BenchCommand implements Callable<Integer> {

    /** The sink the measured job writes to. */
    enum Sink { influx, discard }

    enum Backend { hashmap, rocksdb }

    /** The load of the job: how much traffic, how many parallel subtasks. */
    static final class Load {
        @Option(names = "--scale", paramLabel = "X", description = "X times the steady volume of every channel "
                + "(default: ${DEFAULT-VALUE}); with bench, N events then cover hours, not weeks.")
        double scale = 1;

        @Option(names = "--parallelism", paramLabel = "P", description = "Parallelism of the job "
                + "(default: ${DEFAULT-VALUE}).")
        int parallelism = 2;

        void check() {
            if (parallelism < 1 || !(scale > 0)) {
                throw new Cli.BadInput("--events, --scale and --parallelism must be positive");
            }
        }
    }

    @Option(names = "--events", paramLabel = "N", description = "Simulated events to pre-fill and measure "
            + "(default: ${DEFAULT-VALUE}).")
    long events = 1_000_000;

    @Mixin
    Load load;

    @Option(names = "--sink", paramLabel = "influx|discard", description = "discard: the same job with a sink that "
            + "counts and drops its points, the job's own cost (default: ${DEFAULT-VALUE}).")
    Sink sink = Sink.influx;

    @Option(names = "--skeleton", description = "Also run the skeleton job after the job: the same sources, ingest, "
            + "checkpoints and keys (conversation, customer, response id) with one state read and write per event at "
            + "each, computing nothing; the least any job of these metrics does, a second ceiling for the job.")
    boolean skeleton;

    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb", description = "State backend of the job "
            + "and the skeleton: hashmap (JVM heap, the embedded default) or rocksdb (what bin/touchpoint cluster "
            + "runs; every state access serializes) (default: ${DEFAULT-VALUE}).")
    Backend stateBackend = Backend.hashmap;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed of the simulation "
            + "(default: ${DEFAULT-VALUE}).")
    long seed = 11;

    @Option(names = "--influx-outage", paramLabel = "SECONDS", description = "Kill influxd once the first points "
            + "arrive and start it again SECONDS later; prints the heap (after a full GC) when it went away and when "
            + "it came back, and the peak in between (default: none).")
    long outageSeconds;

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** {@code bench churn-state}. */
    @Command(name = "churn-state", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
            header = "heap and serialized bytes per tracked customer of the churn-risk state")
    static final class ChurnState implements Callable<Integer> {
        @ParentCommand
        BenchCommand bench;

        @Option(names = "--customers", paramLabel = "N", description = "Customers tracked (default: "
                + "${DEFAULT-VALUE}).")
        long customers = 5_000_000;

        @Override
        public Integer call() throws Exception {
            return failed(() -> ChurnStateBench.run(customers, bench.out));
        }
    }

    /** {@code bench conversation-state}. */
    @Command(name = "conversation-state", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
            header = "heap and serialized bytes per open conversation of the reply-clock state, timer included")
    static final class ConversationState implements Callable<Integer> {
        @ParentCommand
        BenchCommand bench;

        @Option(names = "--conversations", paramLabel = "N", description = "Open conversations (default: "
                + "${DEFAULT-VALUE}).")
        long conversations = 1_000_000;

        @Override
        public Integer call() throws Exception {
            return failed(() -> ConversationStateBench.run(conversations, bench.out));
        }
    }

    /** {@code bench live}. */
    @Command(name = "live", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
            sortOptions = false, header = "end-to-end delay of the live job under steady traffic",
            description = "The job unbounded at default settings under steady traffic published as it happens "
                    + "(simulate --speed 1) for M minutes; prints the delay from each minute's end until its "
                    + "interactions, nps (1m) and backlog points are readable in InfluxDB (p50, p99, max).")
    static final class Live implements Callable<Integer> {
        @ParentCommand
        BenchCommand bench;

        @Option(names = "--minutes", paramLabel = "M", description = "How long (default: ${DEFAULT-VALUE}).")
        int minutes = 10;

        @Mixin
        Load load;

        @Override
        public Integer call() throws Exception {
            load.check();
            return failed(() -> {
                try (BenchStack stack = BenchStack.start(stackDir())) {
                    return LiveBench.run(stack, minutes, load.scale, load.parallelism, bench.out);
                }
            });
        }
    }

    /** {@code bench sink}. */
    @Command(name = "sink", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
            sortOptions = false, header = "the job's points written by the InfluxDB sink alone and by the raw-writer "
                    + "peer, per batch size, writers, gzip and precision",
            description = "Runs the job once on N simulated events and keeps the points it emits; then writes them "
                    + "(at most --points) again, once per variant, through the real sink writers alone (one thread "
                    + "each) and through the raw-writer peer, each to a fresh database of the same influxd, and "
                    + "prints both rates and their ratio. Variants: the default (influx.batch-size, one writer per "
                    + "subtask, no gzip, ms), then each other --batch-sizes, each other --writers, gzip on, and "
                    + "precision s (peer only).")
    static final class SinkVariants implements Callable<Integer> {
        @ParentCommand
        BenchCommand bench;

        @Option(names = "--events", paramLabel = "N", description = "Simulated events (default: ${DEFAULT-VALUE}).")
        long events = 1_000_000;

        @Mixin
        Load load;

        @Option(names = "--points", paramLabel = "M", description = "At most M of the job's points per variant "
                + "(default: ${DEFAULT-VALUE}; 0: all).")
        long points = 1_000_000;

        @Option(names = "--batch-sizes", paramLabel = "B,...", split = ",", description = "Batch sizes to try "
                + "besides the default (default: ${DEFAULT-VALUE}).")
        List<Integer> batchSizes = List.of(1000, 5000, 20_000);

        @Option(names = "--writers", paramLabel = "W,...", split = ",", description = "Numbers of writers to try "
                + "besides one per subtask (default: ${DEFAULT-VALUE}).")
        List<Integer> writers = List.of(1, 4);

        @Option(names = "--repeats", paramLabel = "R", description = "Writes per variant, sink and peer "
                + "alternating; the medians are printed (default: ${DEFAULT-VALUE}).")
        int repeats = 3;

        @Override
        public Integer call() throws Exception {
            load.check();
            if (events < 1 || repeats < 1 || batchSizes.stream().anyMatch(b -> b < 1)
                    || writers.stream().anyMatch(w -> w < 1)) {
                throw new Cli.BadInput("--events, --repeats, --batch-sizes and --writers must be positive");
            }
            int batch = MonitorOptions.INFLUX_BATCH_SIZE.defaultValue();
            int own = load.parallelism;
            List<SinkBench.Variant> variants = new java.util.ArrayList<>();
            variants.add(new SinkBench.Variant(batch, own, false, false));
            batchSizes.stream().filter(b -> b != batch).forEach(b -> variants.add(new SinkBench.Variant(b, own, false,
                    false)));
            writers.stream().filter(w -> w != own).forEach(w -> variants.add(new SinkBench.Variant(batch, w, false,
                    false)));
            variants.add(new SinkBench.Variant(batch, own, true, false));
            variants.add(new SinkBench.Variant(batch, own, false, true));
            return failed(() -> {
                try (BenchStack stack = BenchStack.start(stackDir())) {
                    return SinkBench.run(stack, events, load.scale, own, bench.seed, points, repeats, variants,
                            bench.out);
                }
            });
        }
    }

    /** A benchmark's own failure is exit 1, whatever the exception (not exit 2, as a bad argument is). */
    private static int failed(Callable<Integer> bench) throws Exception {
        try {
            return bench.call();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Path stackDir() {
        return Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("bench");
    }

    @Override
    public Integer call() throws Exception {
        load.check();
        if (events < 1) {
            throw new Cli.BadInput("--events, --scale and --parallelism must be positive");
        }
        boolean discard = sink == Sink.discard;
        if (discard && outageSeconds > 0) {
            throw new Cli.BadInput("--influx-outage needs --sink influx");
        }
        return failed(this::measure);
    }

    private int measure() throws Exception {
        double scale = load.scale;
        int parallelism = load.parallelism;
        boolean discard = sink == Sink.discard;
        try (BenchStack stack = BenchStack.start(stackDir())) {
            String bootstrap = stack.bootstrap();
            LocalInflux influx = stack.influx();
            Published traffic = publish(bootstrap, events, scale, seed, out);
            long published = traffic.events();
            double simulatedDays = traffic.simulatedDays();

            double ceilingSeconds = ceiling(bootstrap, published);
            double ceilingRate = published / ceilingSeconds;
            out.printf("ceiling: KafkaConsumer + Avro decode: %,.0f events/s (%.1f s)%n", ceilingRate, ceilingSeconds);

            Configuration config = LocalRun.bounded(bootstrap, influx.url(), "bench", parallelism);
            config.set(MonitorOptions.STATE_BACKEND, stateBackend == Backend.rocksdb
                    ? MonitorOptions.StateBackend.ROCKSDB : MonitorOptions.StateBackend.HASHMAP);
            HeapWatch heap = new HeapWatch();
            heap.start();
            BenchSink.POINTS.set(0);
            BenchSink.BATCHES.clear();
            double jobSeconds;
            if (outageSeconds > 0) {
                jobSeconds = runThroughOutage(config, influx, outageSeconds, heap, out);
            } else {
                jobSeconds = runJob(config, new BenchSink(discard ? null
                        : new InfluxSink(InfluxSettings.from(config))));
            }
            heap.interrupt();
            heap.join();
            double jobRate = published / jobSeconds;
            long points = BenchSink.POINTS.get();
            out.printf("job (parallelism %d, sink %s): %,.0f events/s (%.1f s), %.0f%% of the ceiling, "
                    + "%.3g simulated days per second%n", parallelism, discard ? "discard" : "influx", jobRate,
                    jobSeconds, 100 * jobRate / ceilingRate, simulatedDays / jobSeconds);
            out.printf("task time (summed over subtasks):%n%s", TaskTimes.summary());
            if (skeleton) {
                // after the job, so the code they share is as warm for it as for the job
                SkeletonJob.Result bare = SkeletonJob.run(config);
                if (bare.events() != published) {
                    throw new IllegalStateException("the skeleton carried " + bare.events() + " of " + published
                            + " events to its end");
                }
                double skeletonSeconds = bare.seconds();
                double skeletonRate = published / skeletonSeconds;
                out.printf("skeleton (parallelism %d; ingest, then one state read and write per event per "
                        + "conversation, customer and response id): %,.0f events/s (%.1f s), %.0f%% of the ceiling; "
                        + "the job is %.0f%% of it%n", parallelism, skeletonRate, skeletonSeconds,
                        100 * skeletonRate / ceilingRate, 100 * jobRate / skeletonRate);
                out.printf("skeleton task time (summed over subtasks):%n%s", TaskTimes.summary());
            }
            if (discard) {
                out.printf("points: %,d emitted and discarded, %,.0f points/s%n", points, points / jobSeconds);
            } else {
                out.printf("points: %,d written to InfluxDB (%,d distinct stored), %,.0f points/s%n", points,
                        storedPoints(influx.url(), "bench"), points / jobSeconds);
            }
            int batchSize = config.get(MonitorOptions.INFLUX_BATCH_SIZE);
            boolean gzip = config.get(MonitorOptions.INFLUX_GZIP);
            double peerSeconds;
            long keptBytes = 0;
            if (discard) {
                peerSeconds = RawWriterPeer.write(influx.url(), "peer", points, batchSize, parallelism);
                out.printf("raw-writer peer: %,d points shaped like the job's (--sink influx sends the job's own)",
                        points);
            } else {
                // the very batches the job's writers sent, each writer's to one peer writer
                List<List<String>> perWriter = new java.util.ArrayList<>();
                for (int i = 0; i < parallelism; i++) {
                    perWriter.add(BenchSink.BATCHES.getOrDefault(i, List.of()));
                }
                peerSeconds = RawWriterPeer.send(influx.url(), "peer", perWriter, gzip, false);
                keptBytes = perWriter.stream().flatMap(List::stream).mapToLong(String::length).sum();
                BenchSink.BATCHES.clear();
                out.printf("raw-writer peer: the job's own %,d points in the batches its writers sent", points);
            }
            double peerRate = points / peerSeconds;
            out.printf(", by %d plain HTTP writers in batches of %,d, ms precision, gzip %s: %,.0f points/s (%.1f s); "
                    + "the job's points/s are %.0f%% of it%n", parallelism, batchSize, gzip ? "on" : "off", peerRate,
                    peerSeconds, 100 * (points / jobSeconds) / peerRate);
            if (!discard && points > 0 && simulatedDays > 0) {
                // the most any job writing these points could do here: InfluxDB taking them at the peer's rate
                double pointsPerDay = points / simulatedDays;
                out.printf("InfluxDB bound: %,.0f points per simulated day at the peer's rate is %.3g simulated days "
                        + "per second%n", pointsPerDay, peerRate / pointsPerDay);
            }
            out.printf("heap: peak %,d MiB used (JVM -Xmx %,d MiB)%s%n", heap.peak / (1 << 20),
                    Runtime.getRuntime().maxMemory() / (1 << 20), discard ? "" : String.format(
                            ", including the batches kept for the peer (about %,d MiB)", keptBytes >> 20));
            return Cli.OK;
        }
    }

    /** What {@link #publish} published: how many events, over how many simulated days. */
    record Published(long events, double simulatedDays) {}

    /** Publishes N events of the steady simulation at {@code scale} to the input topics. */
    static Published publish(String bootstrap, long events, double scale, long seed, PrintStream out)
            throws Exception {
        // Simulated time ends a minute ago, so nothing is in the future; it starts far enough back for N events
        // (the steady traffic has about 40,000 events a day at scale 1).
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Duration span = Duration.ofMinutes((long) Math.ceil(events / (40_000 * scale) * 1440) + 1440);
        Simulator simulator = new Simulator(Scenario.steady(), end.minus(span), span, seed, scale);
        long published = 0;
        long firstEvent = Long.MAX_VALUE;
        long lastEvent = Long.MIN_VALUE;
        long t0 = System.nanoTime();
        try (Publisher publisher = new Publisher(bootstrap, "cx.interactions", "cx.surveys", new Properties())) {
            while (published < events && simulator.hasNext()) {
                SpecificRecord record = simulator.next();
                long at = eventTime(record);
                firstEvent = Math.min(firstEvent, at);
                lastEvent = Math.max(lastEvent, at);
                publisher.publish(record);
                published++;
            }
            publisher.flush();
        }
        double publishSeconds = (System.nanoTime() - t0) / 1e9;
        double simulatedDays = (lastEvent - firstEvent) / 86_400_000.0;
        out.printf("published %,d events (scale %s: %.2f simulated days) in %.1f s%n", published,
                BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString(), simulatedDays, publishSeconds);
        return new Published(published, simulatedDays);
    }

    /**
     * Runs the job while influxd is away for a while: killed once the first points are stored, started again
     * {@code seconds} later. The writers block and retry, so back-pressure should hold the heap flat meanwhile.
     */
    private static double runThroughOutage(Configuration config, LocalInflux influx,
            long seconds, HeapWatch heap, PrintStream out) throws Exception {
        java.util.concurrent.CompletableFuture<Double> job = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return runJob(config, new BenchSink(new InfluxSink(InfluxSettings.from(config))));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        while (!job.isDone() && storedPointsOrZero(influx.url(), "bench") == 0) {
            Thread.sleep(200);
        }
        if (job.isDone()) {
            throw new IllegalStateException("the job ended before influxd could be taken away; give more --events");
        }
        long before = liveHeap();
        heap.peak = 0;
        influx.kill();
        Thread.sleep(seconds * 1000);
        long during = heap.peak;
        long after = liveHeap();
        influx.restart();
        double jobSeconds = job.get();
        out.printf("influxd away for %d s: heap after full GC %,d MiB when it went, %,d MiB when it came back; "
                + "peak %,d MiB in between%n", seconds, before >> 20, after >> 20, during >> 20);
        return jobSeconds;
    }


    /**
     * The production job with the bench's metric sink; returns its seconds. {@link TaskTimes} has how its tasks
     * spent them.
     */
    static double runJob(Configuration config, BenchSink sink) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        MonitorJob job = job(config, sink);
        long started = System.nanoTime();
        job.execute(env);
        return (System.nanoTime() - started) / 1e9;
    }

    /** An environment for a measured run: task times to {@link TaskTimes} (reset), the configured parallelism. */
    static StreamExecutionEnvironment environment(Configuration config) {
        TaskTimes.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(MiniClusters.config());
        env.setParallelism(config.get(MonitorOptions.PARALLELISM));
        return env;
    }

    /** The production job reading the bench's topics, its points going to {@code metrics} (not the enum above). */
    static MonitorJob job(Configuration config, org.apache.flink.api.connector.sink2.Sink<MetricPoint> metrics) {
        return new MonitorJob(config,
                KafkaInputs.source(config, RecordDecoder.Kind.INTERACTIONS),
                KafkaInputs.source(config, RecordDecoder.Kind.SURVEYS),
                metrics,
                KafkaInputs.deadLetterSink(config),
                ChurnSignals.sink(config));
    }

    private static long eventTime(SpecificRecord record) {
        if (record instanceof InteractionEvent e) {
            return e.getOccurredAt().toEpochMilli();
        }
        return ((SurveyResponse) record).getOccurredAt().toEpochMilli();
    }

    private static long storedPointsOrZero(String url, String database) {
        try {
            return storedPoints(url, database);
        } catch (RuntimeException notYet) {
            return 0; // the database is created with the first write
        }
    }

    private static long liveHeap() {
        System.gc();
        return usedHeap();
    }

    private static long usedHeap() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** Reads and decodes every record of both input topics with one consumer; returns the seconds it took. */
    private static double ceiling(String bootstrap, long expected) throws CodecException {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "bench-ceiling");
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", "5000");
        props.put("fetch.min.bytes", "1048576");
        props.put("fetch.max.wait.ms", "50");
        SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();
        SingleObjectCodec<SurveyResponse> surveys = SingleObjectCodec.surveys();
        long read = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("cx.interactions", "cx.surveys"));
            while (read < expected) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    if (r.topic().equals("cx.interactions")) {
                        interactions.decode(r.value());
                    } else {
                        surveys.decode(r.value());
                    }
                    read++;
                }
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static long storedPoints(String url, String database) {
        long total = 0;
        try (InfluxDB influx = InfluxDBFactory.connect(url)) {
            for (String m : List.of("nps:responses", "nps_touchpoint:responses", "csat:responses", "ces:responses",
                    "csat_touchpoint:responses", "ces_touchpoint:responses",
                    "interactions:events", "pipeline:records_in", "first_response:replies", "backlog:awaiting_first_reply",
                    "churn_risk:new_high_risk")) {
                String[] mf = m.split(":");
                QueryResult r = influx.query(new Query("SELECT count(" + mf[1] + ") FROM " + mf[0], database));
                if (r.getResults().get(0).getSeries() != null) {
                    total += ((Number) r.getResults().get(0).getSeries().get(0).getValues().get(0).get(1)).longValue();
                }
            }
        }
        return total;
    }

    /** Samples the used heap every 100 ms and keeps the peak. */
    private static final class HeapWatch extends Thread {
        volatile long peak;

        HeapWatch() {
            super("heap-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peak = Math.max(peak, usedHeap());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
