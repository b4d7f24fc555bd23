package io.touchpoint.churn;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * {@link ChurnOperatorTest} on the RocksDB backend (the cluster's): every read there is a copy, so an operator that
 * keeps using an object after storing it, or reads state once per visit, must still see what it stored.
 */
class ChurnOperatorOnRocksDbTest extends ChurnOperatorTest {

    @Override
    StateBackend backend() {
        return new EmbeddedRocksDBStateBackend();
    }
}
