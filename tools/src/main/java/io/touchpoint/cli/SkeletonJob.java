package io.touchpoint.cli;

import io.touchpoint.ingest.IngestOperator;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.Survey;
import io.touchpoint.job.MonitorJob;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The least any job computing the spec's metrics does with an event, run by Flink on the bench's machine: it is a
 * second ceiling, below the consumer's, for what the real job can reach. It reads both topics exactly as the job does
 * (the same sources, watermarks and ingest checks, the same checkpoints and state backend), then takes every
 * interaction to its conversation's state and on to its customer's, and every survey to its response id's, with one
 * state read and one write at each of the three keys, and drops the result. Those keys are the ones the metrics need
 * (first response and backlog per conversation, churn risk per customer, survey deduplication per response id); the
 * skeleton computes nothing, holds nothing for the watermark, keeps no timer and emits no point; its sinks count what
 * reaches them (dead letters too), so a run shows that every event went the whole way.
 */
final class SkeletonJob {

    private SkeletonJob() {}

    /** What a run did: its seconds, the interactions and surveys that reached the end of their chain, dead letters. */
    record Result(double seconds, long interactions, long surveys, long deadLetters) {

        long events() {
            return interactions + surveys + deadLetters;
        }
    }

    /** Runs the skeleton on the job's configuration ({@link TaskTimes} has its task times afterwards). */
    static Result run(Configuration config) throws Exception {
        StreamExecutionEnvironment env = BenchCommand.environment(config);
        // only its environment settings and inputs are used: its sinks are never added
        MonitorJob job = BenchCommand.job(config, new DiscardingSink<>());
        job.configure(env);
        MonitorJob.Inputs inputs = job.inputs(env);
        inputs.interactions()
                .map(in -> in.interaction).returns(Interaction.class).name("interaction")
                .keyBy(i -> i.conversationId)
                .process(new Touch<String, Interaction>()).returns(Interaction.class).name("per conversation")
                .keyBy(i -> i.customerId)
                .process(new Touch<String, Interaction>()).returns(Interaction.class).name("per customer")
                .sinkTo(new CountingSink<>(INTERACTIONS)).name("count interactions");
        inputs.surveys()
                .map(in -> in.survey).returns(Survey.class).name("survey")
                .keyBy(s -> s.responseId)
                .process(new Touch<String, Survey>()).returns(Survey.class).name("per response")
                .sinkTo(new CountingSink<>(SURVEYS)).name("count surveys");
        inputs.interactions().getSideOutput(IngestOperator.DEAD_LETTERS)
                .union(inputs.surveys().getSideOutput(IngestOperator.DEAD_LETTERS))
                .sinkTo(new CountingSink<>(DEAD_LETTERS)).name("count dead letters");
        for (String name : List.of(INTERACTIONS, SURVEYS, DEAD_LETTERS)) {
            COUNTS.put(name, new AtomicLong());
        }
        long started = System.nanoTime();
        env.execute("touchpoint-skeleton");
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(seconds, COUNTS.get(INTERACTIONS).get(), COUNTS.get(SURVEYS).get(),
                COUNTS.get(DEAD_LETTERS).get());
    }

    private static final String INTERACTIONS = "interactions";
    private static final String SURVEYS = "surveys";
    private static final String DEAD_LETTERS = "dead letters";
    /** The sinks' counts by name: the bench runs its jobs in its own JVM (a mini cluster). */
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    /** Counts what reaches it, so a run can be checked to have carried every event to the end. */
    static final class CountingSink<T> implements Sink<T> {

        private static final long serialVersionUID = 1L;

        private final String name;

        CountingSink(String name) {
            this.name = name;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            AtomicLong count = COUNTS.get(name);
            return new SinkWriter<>() {
                private long seen;

                @Override
                public void write(T element, Context ctx) {
                    seen++;
                }

                @Override
                public void flush(boolean endOfInput) {
                    count.addAndGet(seen);
                    seen = 0;
                }

                @Override
                public void close() {
                    count.addAndGet(seen);
                    seen = 0;
                }
            };
        }
    }

    /** Counts the records of its key in keyed state (one read, one write) and passes each on. */
    static final class Touch<K, T> extends KeyedProcessFunction<K, T, T> {

        private static final long serialVersionUID = 1L;

        private transient ValueState<Long> seen;

        @Override
        public void open(OpenContext context) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
        }

        @Override
        public void processElement(T value, Context ctx, Collector<T> out) throws Exception {
            Long count = seen.value();
            seen.update(count == null ? 1L : count + 1);
            out.collect(value);
        }
    }
}
