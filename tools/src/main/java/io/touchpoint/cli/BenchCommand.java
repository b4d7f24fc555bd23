package io.touchpoint.cli;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.churn.ChurnSignals;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
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
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
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

/**
 * {@code touchpoint bench}: throughput of the whole job against its ceiling, on this machine. Kafka runs in its own
 * JVM and influxd in its own process, so the heap figure is the job's (plus this driver's consumer).
 */
public final class BenchCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint bench [--events N] [--scale X] [--sink influx|discard] [--parallelism P] [--seed S]",
            "                        [--influx-outage SECONDS]",
            "       touchpoint bench churn-state [--customers N]",
            "       touchpoint bench conversation-state [--conversations N]",
            "       touchpoint bench live [--minutes M] [--scale X] [--parallelism P]",
            "",
            "Pre-fills local Kafka topics (3 partitions each) with N simulated events (default 1000000), then",
            "measures (1) the ceiling: one plain KafkaConsumer reading and Avro-decoding every record, and",
            "(2) the monitor job, bounded, at parallelism P (default 2) writing to a local influxd.",
            "Prints events/s for both, their ratio, simulated days per second, points/s and the peak heap used,",
            "and (3) the raw-writer peer: as many points as the job wrote, sent to the same influxd by plain HTTP",
            "writers (one per sink writer, same batch size) as fast as they go; the job's points/s as a ratio of it.",
            "--scale X: X times the steady volume of every channel (default 1): N events cover hours, not weeks.",
            "--sink discard: the same job with a sink that counts and drops its points (the job's own cost).",
            "--influx-outage S: influxd is killed once the first points arrive and started again S seconds later;",
            "prints the heap (after a full GC) when it went away and when it came back, and the peak in between.",
            "churn-state: heap and serialized bytes per tracked customer of the churn-risk state (default 5000000).",
            "live: the job unbounded at default settings under steady traffic published as it happens (simulate",
            "--speed 1) for M minutes (default 10); prints the delay from each minute's end until its interactions,",
            "nps (1m) and backlog points are readable in InfluxDB (p50, p99, max).",
            "conversation-state: heap and serialized bytes per open conversation of the reply-clock state, timer",
            "included (default 1000000).");

    private BenchCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("churn-state")) {
            return stateBench(args, "--customers", 5_000_000, ChurnStateBench::run, out, err);
        }
        if (args.length > 0 && args[0].equals("conversation-state")) {
            return stateBench(args, "--conversations", 1_000_000, ConversationStateBench::run, out, err);
        }
        boolean live = args.length > 0 && args[0].equals("live");
        if (live) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        int liveMinutes = 10;
        long events = 1_000_000;
        int parallelism = 2;
        long seed = 11;
        long outageSeconds = 0;
        double scale = 1;
        boolean discard = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--events" -> events = Long.parseLong(args[++i]);
                    case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--influx-outage" -> outageSeconds = Long.parseLong(args[++i]);
                    case "--scale" -> scale = Double.parseDouble(args[++i]);
                    case "--minutes" -> liveMinutes = Integer.parseInt(args[++i]);
                    case "--sink" -> discard = switch (args[++i]) {
                        case "influx" -> false;
                        case "discard" -> true;
                        default -> throw new IllegalArgumentException("--sink takes influx or discard");
                    };
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (events < 1 || parallelism < 1 || !(scale > 0)) {
                throw new IllegalArgumentException("--events, --scale and --parallelism must be positive");
            }
            if (discard && outageSeconds > 0) {
                throw new IllegalArgumentException("--influx-outage needs --sink influx");
            }
        } catch (RuntimeException e) {
            err.println("touchpoint bench: " + (e instanceof ArrayIndexOutOfBoundsException ? "a flag needs a value"
                    : e.getMessage()));
            return 2;
        }
        Path dir = Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("bench");
        try (BenchStack stack = BenchStack.start(dir)) {
            String bootstrap = stack.bootstrap();
            LocalInflux influx = stack.influx();
            if (live) {
                return LiveBench.run(stack, liveMinutes, scale, parallelism, out);
            }
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

            double ceilingSeconds = ceiling(bootstrap, published);
            double ceilingRate = published / ceilingSeconds;
            out.printf("ceiling: KafkaConsumer + Avro decode: %,.0f events/s (%.1f s)%n", ceilingRate, ceilingSeconds);

            HeapWatch heap = new HeapWatch();
            heap.start();
            Configuration config = LocalRun.bounded(bootstrap, influx.url(), "bench", parallelism);
            BenchSink.POINTS.set(0);
            double jobSeconds;
            if (outageSeconds > 0) {
                jobSeconds = runThroughOutage(config, influx, outageSeconds, heap, out);
            } else {
                jobSeconds = runJob(config, discard);
            }
            heap.interrupt();
            heap.join();
            double jobRate = published / jobSeconds;
            long points = BenchSink.POINTS.get();
            out.printf("job (parallelism %d, sink %s): %,.0f events/s (%.1f s), %.0f%% of the ceiling, "
                    + "%.3g simulated days per second%n", parallelism, discard ? "discard" : "influx", jobRate,
                    jobSeconds, 100 * jobRate / ceilingRate, simulatedDays / jobSeconds);
            if (discard) {
                out.printf("points: %,d emitted and discarded, %,.0f points/s%n", points, points / jobSeconds);
            } else {
                out.printf("points: %,d written to InfluxDB (%,d distinct stored), %,.0f points/s%n", points,
                        storedPoints(influx.url(), "bench"), points / jobSeconds);
            }
            int batchSize = config.get(MonitorOptions.INFLUX_BATCH_SIZE);
            double peerSeconds = RawWriterPeer.write(influx.url(), "peer", points, batchSize, parallelism);
            double peerRate = points / peerSeconds;
            out.printf("raw-writer peer: the same %,d points by %d plain HTTP writers in batches of %,d: %,.0f points/s "
                    + "(%.1f s); the job's points/s are %.0f%% of it%n", points, parallelism, batchSize, peerRate,
                    peerSeconds, 100 * (points / jobSeconds) / peerRate);
            out.printf("heap: peak %,d MiB used (JVM -Xmx %,d MiB)%n", heap.peak / (1 << 20),
                    Runtime.getRuntime().maxMemory() / (1 << 20));
            return 0;
        } catch (Exception e) {
            err.println("touchpoint bench: " + Touchpoint.oneLine(e));
            return 1;
        }
    }

    /**
     * Runs the job while influxd is away for a while: killed once the first points are stored, started again
     * {@code seconds} later. The writers block and retry, so back-pressure should hold the heap flat meanwhile.
     */
    private static double runThroughOutage(Configuration config, LocalInflux influx,
            long seconds, HeapWatch heap, PrintStream out) throws Exception {
        java.util.concurrent.CompletableFuture<Double> job = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return runJob(config, false);
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

    /** A state-size benchmark: {@code NAME [FLAG N]}. */
    private interface StateBench {
        int run(long count, PrintStream out) throws Exception;
    }

    private static int stateBench(String[] args, String flag, long count, StateBench bench, PrintStream out,
            PrintStream err) {
        if (args.length == 3 && args[1].equals(flag)) {
            count = Long.parseLong(args[2]);
        } else if (args.length != 1) {
            err.println("touchpoint bench: " + args[0] + " takes only " + flag + " N");
            return 2;
        }
        try {
            return bench.run(count, out);
        } catch (Exception e) {
            err.println("touchpoint bench: " + Touchpoint.oneLine(e));
            return 1;
        }
    }

    /** The production job, with its metric points counted and written to InfluxDB or dropped. */
    private static double runJob(Configuration config, boolean discard) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(config.get(MonitorOptions.PARALLELISM));
        MonitorJob job = new MonitorJob(config,
                KafkaInputs.source(config, RecordDecoder.Kind.INTERACTIONS),
                KafkaInputs.source(config, RecordDecoder.Kind.SURVEYS),
                new BenchSink(discard ? null : new InfluxSink(InfluxSettings.from(config))),
                KafkaInputs.deadLetterSink(config),
                ChurnSignals.sink(config));
        long started = System.nanoTime();
        job.execute(env);
        return (System.nanoTime() - started) / 1e9;
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
