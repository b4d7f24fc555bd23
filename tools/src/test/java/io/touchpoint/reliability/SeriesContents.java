package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.testing.InfluxRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The final content of a run's database, for comparing a disturbed run with an undisturbed one point for point. The
 * pipeline measurement is left out: it counts per minute of processing time, so it differs between any two runs.
 */
final class SeriesContents {

    static final List<String> MEASUREMENTS = List.of("nps", "nps_touchpoint", "csat", "ces", "interactions",
            "first_response", "backlog", "churn_risk");

    private SeriesContents() {}

    /** Every point of every compared measurement, as sorted lines. */
    static Map<String, List<String>> of(String influxUrl, String database) {
        Map<String, List<String>> all = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(influxUrl, database)) {
            for (String m : MEASUREMENTS) {
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

    /** Equal to the reference, point for point; on a difference, says which points are missing or extra. */
    static void assertSame(Map<String, List<String>> reference, Map<String, List<String>> actual, String what) {
        StringBuilder diff = new StringBuilder();
        for (String m : MEASUREMENTS) {
            List<String> missing = new ArrayList<>(reference.get(m));
            missing.removeAll(actual.get(m));
            List<String> extra = new ArrayList<>(actual.get(m));
            extra.removeAll(reference.get(m));
            if (!missing.isEmpty() || !extra.isEmpty()) {
                diff.append("\n").append(m).append(": ").append(missing.size()).append(" missing, e.g. ")
                        .append(missing.stream().limit(3).toList()).append("; ").append(extra.size())
                        .append(" not in the reference, e.g. ").append(extra.stream().limit(3).toList());
            }
        }
        assertThat(diff.toString()).as(what + " differs from the undisturbed run").isEmpty();
        assertThat(actual).isEqualTo(reference);
    }
}
