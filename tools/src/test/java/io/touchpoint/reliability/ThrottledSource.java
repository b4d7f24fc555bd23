package io.touchpoint.reliability;

import io.touchpoint.ingest.ForwardingSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

/**
 * A source that reads like the one it wraps, only slower: the reader pauses a millisecond every few records, so
 * that a bounded run lasts long enough to be stopped in the middle while its sources are still reading. A savepoint
 * of it restores into the plain source.
 */
final class ThrottledSource<T, S extends SourceSplit, E> extends ForwardingSource<T, S, E> {

    private final int recordsPerMilli;

    private ThrottledSource(Source<T, S, E> delegate, int recordsPerMilli) {
        super(delegate);
        this.recordsPerMilli = recordsPerMilli;
    }

    static <T, S extends SourceSplit, E> ThrottledSource<T, S, E> of(Source<T, S, E> source, int recordsPerMilli) {
        return new ThrottledSource<>(source, recordsPerMilli);
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        SourceReader<T, S> reader = delegate.createReader(context);
        return new SourceReader<>() {
            private long polls;

            @Override
            public void start() {
                reader.start();
            }

            @Override
            public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
                if (++polls % recordsPerMilli == 0) {
                    Thread.sleep(1);
                }
                return reader.pollNext(output);
            }

            @Override
            public List<S> snapshotState(long checkpointId) {
                return reader.snapshotState(checkpointId);
            }

            @Override
            public CompletableFuture<Void> isAvailable() {
                return reader.isAvailable();
            }

            @Override
            public void addSplits(List<S> splits) {
                reader.addSplits(splits);
            }

            @Override
            public void notifyNoMoreSplits() {
                reader.notifyNoMoreSplits();
            }

            @Override
            public void handleSourceEvents(SourceEvent event) {
                reader.handleSourceEvents(event);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) throws Exception {
                reader.notifyCheckpointComplete(checkpointId);
            }

            @Override
            public void pauseOrResumeSplits(java.util.Collection<String> pause, java.util.Collection<String> resume) {
                reader.pauseOrResumeSplits(pause, resume);
            }

            @Override
            public void close() throws Exception {
                reader.close();
            }
        };
    }
}
