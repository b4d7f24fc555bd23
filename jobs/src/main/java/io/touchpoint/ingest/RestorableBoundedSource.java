package io.touchpoint.ingest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * A bounded source that also finishes when the job was restored from a savepoint or checkpoint.
 *
 * <p>The bounded {@code KafkaSource} of flink-connector-kafka 5.0.0-2.2 decides every split at its first start and
 * tells the readers "no more splits" only after a partition discovery that found new partitions. An enumerator
 * recreated from state (a restore from a savepoint or retained checkpoint, a JobManager failover) finds them all
 * assigned already, never sends the signal, and its readers wait forever at their end offsets (FLINK-31006,
 * unresolved in the pinned connector). Here, an enumerator recreated from state sends the signal itself, once per
 * reader registration, after the wrapped enumerator has handed that reader whatever it still had for it. That is
 * sound because a bounded source's set of splits is fixed at its first start. Remove when the connector is fixed.
 */
public final class RestorableBoundedSource<T, S extends SourceSplit, E> extends ForwardingSource<T, S, E> {

    private static final long serialVersionUID = 1L;

    public RestorableBoundedSource(Source<T, S, E> delegate) {
        super(delegate);
        if (delegate.getBoundedness() != Boundedness.BOUNDED) {
            throw new IllegalArgumentException("only a bounded source needs this");
        }
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return new Restored<>(delegate.restoreEnumerator(context, checkpoint), context);
    }

    /** The wrapped enumerator, signalling "no more splits" to each reader that registers with it. */
    static final class Restored<S extends SourceSplit, E> implements SplitEnumerator<S, E> {
        private final SplitEnumerator<S, E> delegate;
        private final SplitEnumeratorContext<S> context;
        private final Set<Integer> signalled = new HashSet<>();

        Restored(SplitEnumerator<S, E> delegate, SplitEnumeratorContext<S> context) {
            this.delegate = delegate;
            this.context = context;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            delegate.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<S> splits, int subtaskId) {
            delegate.addSplitsBack(splits, subtaskId);
            // the reader failed and will register again; it then gets these splits and the signal once more
            signalled.remove(subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            delegate.addReader(subtaskId);
            if (signalled.add(subtaskId)) {
                context.signalNoMoreSplits(subtaskId);
            }
        }

        @Override
        public E snapshotState(long checkpointId) throws Exception {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            delegate.handleSourceEvent(subtaskId, sourceEvent);
        }

        @Override
        public void close() throws java.io.IOException {
            delegate.close();
        }
    }
}
