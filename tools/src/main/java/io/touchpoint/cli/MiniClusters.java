package io.touchpoint.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

/** The configuration of the Flink mini-cluster that {@code run} and {@code bench} start in their own process. */
final class MiniClusters {

    /**
     * Managed memory of the mini-cluster's task manager, shared by its slots. Only the RocksDB state backend uses it
     * (its block cache and write buffers, in native memory, taken as needed); the heap backend leaves it unused. Flink's
     * local default is 128 MiB, on which RocksDB rereads its blocks at almost every lookup: the job ran half as fast
     * as with this (docs/benchmarks.md, "RocksDB's memory").
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
