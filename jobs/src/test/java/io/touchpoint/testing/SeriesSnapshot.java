package io.touchpoint.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every point of some measurements of an InfluxDB database, as sorted lines per measurement: what tests compare to
 * show that two runs over the same input wrote the same series, point for point.
 */
public final class SeriesSnapshot {

    /** The measurements whose points depend only on the input (not {@code pipeline}, which counts per wall-clock minute). */
    public static final List<String> EVENT_TIME_MEASUREMENTS = List.of("nps", "nps_touchpoint", "csat", "ces",
            "interactions", "first_response", "backlog", "churn_risk");

    private SeriesSnapshot() {}

    public static Map<String, List<String>> of(String url, String database, List<String> measurements) {
        Map<String, List<String>> all = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(url, database)) {
            for (String m : measurements) {
                List<String> lines = new ArrayList<>();
                for (Map<String, Object> row : rows.query("SELECT * FROM " + m)) {
                    lines.add(new TreeMap<>(row).toString());
                }
                lines.sort(null);
                all.put(m, lines);
            }
        }
        return all;
    }

    /** Per measurement, how many points are missing from {@code actual} and how many are extra, with examples; "" when equal. */
    public static String differences(Map<String, List<String>> reference, Map<String, List<String>> actual) {
        StringBuilder diff = new StringBuilder();
        for (String m : reference.keySet()) {
            List<String> missing = new ArrayList<>(reference.get(m));
            missing.removeAll(actual.getOrDefault(m, List.of()));
            List<String> extra = new ArrayList<>(actual.getOrDefault(m, List.of()));
            extra.removeAll(reference.get(m));
            if (!missing.isEmpty() || !extra.isEmpty()) {
                diff.append("\n").append(m).append(": ").append(missing.size()).append(" missing, e.g. ")
                        .append(missing.stream().limit(3).toList()).append("; ").append(extra.size())
                        .append(" not in the reference, e.g. ").append(extra.stream().limit(3).toList());
            }
        }
        return diff.toString();
    }

    /** Fails, listing what is missing and what is extra per measurement, unless {@code actual} equals {@code reference}. */
    public static void assertSame(Map<String, List<String>> reference, Map<String, List<String>> actual, String what) {
        assertThat(differences(reference, actual)).as(what).isEmpty();
        assertThat(actual).isEqualTo(reference);
    }

    /** Points in all measurements together. */
    public static long size(Map<String, List<String>> snapshot) {
        return snapshot.values().stream().mapToLong(List::size).sum();
    }

    /** Waits until {@code database} holds at least one {@code interactions} point. */
    public static void awaitPoints(String url, String database) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (InfluxRows rows = new InfluxRows(url, database)) {
                if (!rows.query("SELECT count(events) FROM interactions").isEmpty()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // database not created yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no points arrived in " + database);
    }
}
