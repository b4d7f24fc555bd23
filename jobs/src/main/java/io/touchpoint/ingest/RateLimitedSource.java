package io.touchpoint.ingest;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimitedSourceReader;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * A source read no faster than a given number of records per second, shared evenly by its reader subtasks
 * ({@code ingest.max-records-per-second}). Splits and state are the wrapped source's, so a savepoint taken with a
 * limit restores without one and the other way round.
 */
public final class RateLimitedSource<T, S extends SourceSplit, E> extends ForwardingSource<T, S, E> {

    private static final long serialVersionUID = 1L;

    private final double recordsPerSecond;

    private RateLimitedSource(Source<T, S, E> delegate, double recordsPerSecond) {
        super(delegate);
        this.recordsPerSecond = recordsPerSecond;
    }

    /** {@code source} itself when {@code recordsPerSecond} is 0 (no limit). */
    public static <T, S extends SourceSplit, E> Source<T, S, E> of(Source<T, S, E> source, double recordsPerSecond) {
        if (recordsPerSecond < 0) {
            throw new IllegalArgumentException("a record rate cannot be negative: " + recordsPerSecond);
        }
        return recordsPerSecond == 0 ? source : new RateLimitedSource<>(source, recordsPerSecond);
    }

    @Override
    @SuppressWarnings("unchecked")
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        RateLimiterStrategy<S> strategy = RateLimiterStrategy.perSecond(recordsPerSecond);
        return new RateLimitedSourceReader<>(delegate.createReader(context),
                strategy.createRateLimiter(context.currentParallelism()));
    }
}
