package io.touchpoint.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.junit.jupiter.api.Test;

class RestorableBoundedSourceTest {

    /** What happened, in order: calls on the wrapped enumerator and signals sent through the context. */
    private final List<String> calls = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private final SplitEnumerator<SourceSplit, Void> wrapped = (SplitEnumerator<SourceSplit, Void>) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {SplitEnumerator.class}, (proxy, method, args) -> {
                calls.add(method.getName() + (args == null ? "" : " " + args[args.length - 1]));
                return null;
            });

    @SuppressWarnings("unchecked")
    private final SplitEnumeratorContext<SourceSplit> context = (SplitEnumeratorContext<SourceSplit>) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {SplitEnumeratorContext.class}, (proxy, method, args) -> {
                calls.add(method.getName() + " " + args[0]);
                return null;
            });

    @Test
    void aRestoredEnumeratorSignalsNoMoreSplitsOncePerRegistrationAfterTheWrappedOneAssigned() throws Exception {
        var restored = new RestorableBoundedSource.Restored<>(wrapped, context);
        restored.start();
        restored.addReader(0);
        restored.addReader(1);
        restored.addReader(1); // a repeated registration without a failure in between: no second signal
        restored.addSplitsBack(List.of(), 0); // reader 0 failed; it registers again and gets the signal again
        restored.addReader(0);
        assertThat(calls).containsExactly("start", "addReader 0", "signalNoMoreSplits 0", "addReader 1",
                "signalNoMoreSplits 1", "addReader 1", "addSplitsBack 0", "addReader 0", "signalNoMoreSplits 0");
    }
}
