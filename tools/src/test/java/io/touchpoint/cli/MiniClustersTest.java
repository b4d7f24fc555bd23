package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.taskexecutor.TaskExecutorResourceUtils;
import org.junit.jupiter.api.Test;

class MiniClustersTest {

    /** What Flink gives a local (mini-cluster) task manager, the way the mini-cluster works it out. */
    private static MemorySize managedMemory(Configuration config) {
        return TaskExecutorResourceUtils.resourceSpecFromConfigForLocalExecution(config).getManagedMemorySize();
    }

    @Test
    void theMiniClusterGivesRocksDbMoreManagedMemoryThanFlinksLocalDefault() {
        assertThat(managedMemory(new Configuration())).isEqualTo(MemorySize.parse("128m"));
        assertThat(managedMemory(MiniClusters.config())).isEqualTo(MemorySize.parse("512m"));
        assertThat(MiniClusters.config().toMap()).containsAllEntriesOf(RunMetrics.reporting().toMap());
    }
}
