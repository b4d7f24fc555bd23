package io.touchpoint.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

/** The configuration of the Flink mini-cluster that {@code run} and {@code bench} start in their own process. */
final class MiniClusters {

    /**
     * Managed memory of the mini-cluster's task manager, shared by its slots. Only the RocksDB state backend uses it
     * (its block cache and write buffers, in native memory, taken as needed); the heap backend leaves it unused. On
     * Flink's local default of 128 MiB the job ran on RocksDB at half the speed it reaches with this, its profile
     * dominated by {@code RocksDB.get} (docs/benchmarks.md, "RocksDB's memory").
     */
    static final MemorySize MANAGED_MEMORY = MemorySize.parse("512m");

    private MiniClusters() {}

    /** The settings every mini-cluster of ours starts with: the metrics reporter of the status lines, the memory. */
    static Configuration config() {
        Configuration config = RunMetrics.reporting();
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        return config;
    }
}
