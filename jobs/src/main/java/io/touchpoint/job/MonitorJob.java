package io.touchpoint.job;

import io.touchpoint.churn.ChurnDelta;
import io.touchpoint.churn.ChurnGaugeFunction;
import io.touchpoint.churn.ChurnInput;
import io.touchpoint.churn.ChurnOperator;
import io.touchpoint.churn.ChurnPoints;
import io.touchpoint.churn.LevelChange;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.backlog.BacklogFunction;
import io.touchpoint.backlog.BacklogSum;
import io.touchpoint.dedup.SurveyDeduplicator;
import io.touchpoint.frt.FrtSettings;
import io.touchpoint.frt.FrtWindowFunction;
import io.touchpoint.frt.ReplyClockOperator;
import io.touchpoint.frt.ReplyPartials;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.IngestOperator;
import io.touchpoint.ingest.Ingested;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.LiveWatermarks;
import io.touchpoint.ingest.RateLimitedSource;
import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import io.touchpoint.pipeline.PipelineCount;
import io.touchpoint.pipeline.PipelineHealthFunction;
import io.touchpoint.survey.ScoreObservation;
import io.touchpoint.survey.SurveySeries;
import io.touchpoint.survey.SurveyWindowFunction;
import io.touchpoint.survey.TouchpointAdmission;
import io.touchpoint.survey.TouchpointCandidates;
import io.touchpoint.survey.TouchpointGuard;
import io.touchpoint.survey.TouchpointTags;
import io.touchpoint.volume.InteractionVolumeFunction;
import io.touchpoint.volume.VolumePartials;
import io.touchpoint.window.MinuteGaugeFunction;
import io.touchpoint.window.MinutePartial;
import io.touchpoint.window.MinutePartialMerge;
import io.touchpoint.window.MinutePreAggregator;
import io.touchpoint.window.PartialPanes;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The monitor job: input topics in, metric points and dead letters out. Sources and sinks come in through the
 * constructor — Kafka and InfluxDB in {@link MonitorMain}, whatever a test needs elsewhere — and this class wires
 * everything between them. Every stateful operator has a stable uid so savepoints survive upgrades.
 */
public final class MonitorJob {

    /** How often each ingest step reports its counts to the pipeline-health measurement. */
    static final long PIPELINE_REPORT_MILLIS = 10_000L;

    private final Configuration config;
    private final Source<Ingested, ?, ?> interactionSource;
    private final Source<Ingested, ?, ?> surveySource;
    private final Sink<MetricPoint> metricSink;
    private final Sink<Ingested> deadLetterSink;
    private final Sink<LevelChange> churnSignalSink;

    public MonitorJob(
            Configuration config,
            Source<Ingested, ?, ?> interactionSource,
            Source<Ingested, ?, ?> surveySource,
            Sink<MetricPoint> metricSink,
            Sink<Ingested> deadLetterSink,
            Sink<LevelChange> churnSignalSink) {
        this.config = config;
        this.interactionSource = interactionSource;
        this.surveySource = surveySource;
        this.metricSink = metricSink;
        this.deadLetterSink = deadLetterSink;
        this.churnSignalSink = churnSignalSink;
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("touchpoint-monitor");
    }

    /**
     * What the job sets on the environment besides its operators: object reuse, checkpoints and their storage, the
     * state backend. Public for the benchmark's skeleton job, which must run under the same settings.
     */
    public void configure(StreamExecutionEnvironment env) {
        // No function keeps a reference to its input after emitting, so chained operators may share objects.
        env.getConfig().enableObjectReuse();
        Duration checkpoints = config.get(MonitorOptions.CHECKPOINT_INTERVAL);
        if (!checkpoints.isZero()) {
            env.enableCheckpointing(checkpoints.toMillis());
            String dir = config.get(MonitorOptions.CHECKPOINT_DIR);
            if (dir != null) {
                // The default in-memory checkpoint storage caps state at 5 MB: real state needs a file system.
                Configuration storage = new Configuration();
                storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
                // A job that is cancelled, fails for good or whose process dies keeps its newest checkpoint, so the
                // next start can restore it instead of starting empty (see StateDirectory and docs/reliability.md).
                storage.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
                env.configure(storage);
            }
        }
        config.getOptional(MonitorOptions.STATE_BACKEND).ifPresent(backend -> {
            Configuration state = new Configuration();
            state.set(StateBackendOptions.STATE_BACKEND, backend.name().toLowerCase(java.util.Locale.ROOT));
            // RocksDB uploads only the files that changed since the last checkpoint: large state, small checkpoints
            state.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == MonitorOptions.StateBackend.ROCKSDB);
            env.configure(state);
        });
    }

    /** Both input streams as ingest passes them on, with their side outputs (dead letters, counts, horizon). */
    public record Inputs(SingleOutputStreamOperator<Ingested> interactions,
            SingleOutputStreamOperator<Ingested> surveys) {}

    /**
     * Reads both topics and checks every record (sources, rate limit, watermarks, ingest). Public for the
     * benchmark's skeleton job, which reads its input exactly as the job does.
     */
    public Inputs inputs(StreamExecutionEnvironment env) {
        long lateness = config.get(MonitorOptions.ALLOWED_LATENESS).toMillis();
        WatermarkStrategy<Ingested> watermarks = LiveWatermarks.strategy(
                config.get(MonitorOptions.OUT_OF_ORDERNESS),
                config.get(MonitorOptions.IDLENESS),
                config.get(MonitorOptions.LIVE_MAX_LAG),
                !config.get(MonitorOptions.BOUNDED));
        double rate = config.get(MonitorOptions.MAX_RECORDS_PER_SECOND);
        return new Inputs(
                ingest(env, RateLimitedSource.of(interactionSource, rate), watermarks,
                        config.get(MonitorOptions.TOPIC_INTERACTIONS), "interactions", lateness),
                ingest(env, RateLimitedSource.of(surveySource, rate), watermarks,
                        config.get(MonitorOptions.TOPIC_SURVEYS), "surveys", lateness));
    }

    /** Adds the whole pipeline to {@code env} without running it. */
    public void build(StreamExecutionEnvironment env) {
        configure(env);
        long lateness = config.get(MonitorOptions.ALLOWED_LATENESS).toMillis();
        String interactionTopic = config.get(MonitorOptions.TOPIC_INTERACTIONS);
        String surveyTopic = config.get(MonitorOptions.TOPIC_SURVEYS);
        Inputs inputs = inputs(env);
        SingleOutputStreamOperator<Ingested> interactionsIn = inputs.interactions();
        SingleOutputStreamOperator<Ingested> surveysIn = inputs.surveys();

        interactionsIn.getSideOutput(IngestOperator.DEAD_LETTERS)
                .union(surveysIn.getSideOutput(IngestOperator.DEAD_LETTERS))
                .sinkTo(deadLetterSink).name("dead letters").uid("sink-dead-letters");

        SingleOutputStreamOperator<Survey> surveys = surveysIn
                .map(in -> in.survey).returns(Survey.class).name("survey").uid("survey-events")
                .keyBy(s -> s.responseId)
                .process(new SurveyDeduplicator(surveyTopic,
                        config.get(MonitorOptions.SURVEY_DEDUP_WINDOW).toMillis()))
                .name("dedup surveys").uid("dedup-surveys");

        SingleOutputStreamOperator<Interaction> interactions = interactionsIn
                .map(in -> in.interaction).returns(Interaction.class).name("interaction").uid("interaction-events")
                .keyBy(i -> i.conversationId)
                .transform("conversations: dedup, reply clock", TypeInformation.of(Interaction.class),
                        new ReplyClockOperator(interactionTopic,
                                config.get(MonitorOptions.CONVERSATION_LIFETIME).toMillis(), FrtSettings.from(config)))
                .uid("reply-clocks");

        DataStream<MetricPoint> frtPoints = preAggregated(interactions.getSideOutput(ReplyClockOperator.REPLIES),
                new ReplyPartials(), "first response", "frt")
                .keyBy(p -> p.channel)
                .process(new FrtWindowFunction(lateness, config.get(MonitorOptions.BOUNDED)))
                .name("first response windows").uid("first-response-windows");

        DataStream<Long> horizon = interactionsIn.getSideOutput(IngestOperator.HORIZON)
                .union(surveysIn.getSideOutput(IngestOperator.HORIZON));
        // per channel and bucket of conversations, so a busy channel's clocks spread over the cluster, then summed
        DataStream<MetricPoint> backlogPoints = interactions.getSideOutput(ReplyClockOperator.CLOCK_CHANGES)
                .keyBy(BacklogFunction::bucketKey)
                .connect(horizon.broadcast(MinuteGaugeFunction.HORIZON))
                .process(new BacklogFunction(FrtSettings.from(config), lateness,
                        config.get(MonitorOptions.BOUNDED)))
                .name("backlog per bucket").uid("backlog-buckets")
                .keyBy(p -> p.tag("channel"))
                .process(new BacklogSum(lateness, config.get(MonitorOptions.BOUNDED)))
                .name("backlog gauges").uid("backlog-sum");

        // the guard, keyed by channel, decides on the distinct touchpoints only (its admissions are what counts, its
        // main output is not used); every survey takes its decision in the touchpoint tags
        SingleOutputStreamOperator<Survey> candidates = surveys
                .process(new TouchpointCandidates()).name("touchpoint candidates").uid("touchpoint-candidates");
        DataStream<TouchpointAdmission> admissions = candidates.getSideOutput(TouchpointCandidates.CANDIDATES)
                .keyBy(s -> TagValues.channel(s.channel))
                .process(new TouchpointGuard(config.get(MonitorOptions.MAX_TOUCHPOINTS)))
                .name("touchpoint guard").uid("touchpoint-guard")
                .getSideOutput(TouchpointGuard.ADMISSIONS);
        DataStream<MetricPoint> surveyPoints = candidates
                .keyBy(s -> s.responseId)
                .connect(admissions.broadcast(TouchpointTags.DECISIONS))
                .process(new TouchpointTags()).name("touchpoint tags").uid("touchpoint-tags")
                .flatMap((Survey s, Collector<ScoreObservation> out) -> SurveySeries.route(s, out::collect))
                .returns(ScoreObservation.class).name("survey series").uid("survey-series")
                .keyBy(o -> o.series)
                .process(new SurveyWindowFunction(lateness))
                .name("nps, csat, ces windows").uid("survey-windows");

        DataStream<MetricPoint> volumePoints = preAggregated(interactions, new VolumePartials(), "interaction volume",
                "volume")
                .keyBy(p -> p.channel)
                .process(new InteractionVolumeFunction(lateness))
                .name("interaction volume").uid("interaction-volume");

        DataStream<ChurnInput> churnInputs = surveys
                .flatMap((Survey s, Collector<ChurnInput> out) -> emitIfAny(ChurnInput.of(s), out))
                .returns(ChurnInput.class).name("churn signals of surveys").uid("churn-inputs-surveys")
                .union(interactions
                        .flatMap((Interaction i, Collector<ChurnInput> out) -> emitIfAny(ChurnInput.of(i), out))
                        .returns(ChurnInput.class).name("churn signals of interactions").uid("churn-inputs-interactions"),
                        interactions.getSideOutput(ReplyClockOperator.OUTCOMES)
                        .flatMap((io.touchpoint.frt.CycleOutcome o, Collector<ChurnInput> out) ->
                                emitIfAny(ChurnInput.of(o), out))
                        .returns(ChurnInput.class).name("churn signals of reply cycles").uid("churn-inputs-outcomes"));
        SingleOutputStreamOperator<LevelChange> levelChanges = churnInputs
                .keyBy(c -> c.customerId)
                // the horizon to every subtask; the operator keeps it in broadcast state (MinuteGaugeFunction.HORIZON)
                .connect(horizon.broadcast())
                .transform("churn risk per customer", TypeInformation.of(LevelChange.class),
                        new ChurnOperator(ChurnPoints.parse(config.get(MonitorOptions.CHURN_POINTS),
                                config.get(MonitorOptions.CHURN_HALF_LIFE).toMillis() / 86_400_000.0), lateness,
                                config.get(MonitorOptions.BOUNDED)))
                .uid("churn-risk");
        levelChanges.getSideOutput(ChurnOperator.SIGNALS)
                .sinkTo(churnSignalSink).name("churn-risk signals").uid("sink-churn-risk");
        DataStream<MetricPoint> churnPoints = levelChanges
                .flatMap((LevelChange c, Collector<ChurnDelta> out) -> ChurnDelta.of(c, out::collect))
                .returns(ChurnDelta.class).name("churn deltas").uid("churn-deltas")
                .keyBy(d -> d.channel)
                .connect(horizon.broadcast(MinuteGaugeFunction.HORIZON))
                .process(new ChurnGaugeFunction(lateness, config.get(MonitorOptions.BOUNDED)))
                .name("churn gauges").uid("churn-gauges");

        DataStream<PipelineCount> counts = interactionsIn.getSideOutput(IngestOperator.PIPELINE)
                .union(surveysIn.getSideOutput(IngestOperator.PIPELINE),
                        surveys.getSideOutput(SurveyDeduplicator.DUPLICATES),
                        interactions.getSideOutput(ReplyClockOperator.DUPLICATES));
        DataStream<MetricPoint> healthPoints = counts
                .keyBy(c -> c.source)
                .process(new PipelineHealthFunction())
                .name("pipeline health").uid("pipeline-health");

        surveyPoints.union(volumePoints, healthPoints, frtPoints, backlogPoints, churnPoints)
                .sinkTo(metricSink).name("influxdb").uid("sink-influxdb");
    }

    /**
     * The elements added up per channel and minute before the channel-keyed windows, so that a busy channel's work is
     * spread over every subtask (docs/scaling.md): per upstream subtask ({@link MinutePreAggregator}, chained), then
     * per (channel, minute) ({@link MinutePartialMerge}); the windows merge about one partial per channel and minute.
     */
    private static <IN, P extends MinutePartial> DataStream<P> preAggregated(DataStream<IN> elements,
            PartialPanes<IN, P> panes, String name, String uid) {
        TypeInformation<P> type = TypeInformation.of(panes.partialType());
        return elements
                .transform(name + ": per subtask", type, new MinutePreAggregator<>(panes)).uid(uid + "-partials")
                .keyBy(MinutePartialMerge.<P>byChannelAndMinute(), Types.STRING)
                .process(new MinutePartialMerge<>(panes), type)
                .name(name + ": per minute").uid(uid + "-minutes");
    }

    private static void emitIfAny(ChurnInput input, Collector<ChurnInput> out) {
        if (input != null) {
            out.collect(input);
        }
    }

    private static SingleOutputStreamOperator<Ingested> ingest(
            StreamExecutionEnvironment env,
            Source<Ingested, ?, ?> source,
            WatermarkStrategy<Ingested> watermarks,
            String topic,
            String name,
            long lateness) {
        return env.fromSource(source, watermarks, "kafka " + topic).uid("source-" + name)
                .transform("ingest " + name, TypeInformation.of(Ingested.class),
                        new IngestOperator(topic, lateness, PIPELINE_REPORT_MILLIS))
                .uid("ingest-" + name);
    }
}
