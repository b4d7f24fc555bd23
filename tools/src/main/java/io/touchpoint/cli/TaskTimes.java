package io.touchpoint.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

/**
 * How each task of a benchmarked job spent its time: busy, back-pressured (waiting for room downstream) or idle
 * (waiting for input), from Flink's accumulated task metrics, which {@link RunMetrics}' reporter hands over. A task
 * that limits the job is busy nearly all the time while the tasks before it are back-pressured. State: the gauges of
 * the running tasks, and the last value of each task that finished, in one static holder per benchmark run
 * ({@link #reset()}).
 */
final class TaskTimes {

    private static final String[] KINDS = {"accumulateBusyTimeMs", "accumulateBackPressuredTimeMs",
        "accumulateIdleTimeMs"};

    /** Task name and subtask index → gauge per kind (index as {@link #KINDS}). */
    private static final Map<String, Gauge<?>[]> LIVE = new ConcurrentHashMap<>();
    /** Task name and subtask index → milliseconds per kind, as last read. */
    private static final Map<String, long[]> LAST = new ConcurrentHashMap<>();

    private TaskTimes() {}

    static void reset() {
        LIVE.clear();
        LAST.clear();
    }

    /**
     * Per task (summed over its subtasks): busy, back-pressured and idle seconds, busiest first, one task a line.
     */
    static String summary() {
        LIVE.forEach(TaskTimes::read);
        Map<String, long[]> perTask = new TreeMap<>();
        LAST.forEach((key, ms) -> {
            long[] sum = perTask.computeIfAbsent(key.substring(0, key.lastIndexOf('#')), k -> new long[3]);
            for (int i = 0; i < 3; i++) {
                sum[i] += ms[i];
            }
        });
        StringBuilder s = new StringBuilder();
        perTask.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> s.append(String.format("  %6.1f s busy %6.1f s back-pressured %6.1f s idle  %s%n",
                        e.getValue()[0] / 1e3, e.getValue()[1] / 1e3, e.getValue()[2] / 1e3, e.getKey())));
        return s.toString();
    }

    private static void read(String key, Gauge<?>[] gauges) {
        long[] ms = LAST.computeIfAbsent(key, k -> new long[3]);
        for (int i = 0; i < 3; i++) {
            if (gauges[i] != null && gauges[i].getValue() instanceof Number n) {
                ms[i] = n.longValue();
            }
        }
    }

    /** A metric Flink registered ({@link RunMetrics}' reporter passes every one on). */
    static void added(Metric metric, String name, MetricGroup group) {
        int kind = kind(metric, name);
        if (kind >= 0) {
            LIVE.computeIfAbsent(key(group), k -> new Gauge<?>[3])[kind] = (Gauge<?>) metric;
        }
    }

    /** A metric Flink removed: the task has finished, so what it accumulated is kept. */
    static void removed(Metric metric, String name, MetricGroup group) {
        if (kind(metric, name) >= 0) {
            Gauge<?>[] gauges = LIVE.remove(key(group));
            if (gauges != null) {
                read(key(group), gauges);
            }
        }
    }

    private static int kind(Metric metric, String name) {
        if (metric instanceof Gauge) {
            for (int i = 0; i < KINDS.length; i++) {
                if (KINDS[i].equals(name)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String key(MetricGroup group) {
        Map<String, String> vars = group.getAllVariables();
        return vars.getOrDefault("<task_name>", "?") + "#" + vars.getOrDefault("<subtask_index>", "0");
    }
}
