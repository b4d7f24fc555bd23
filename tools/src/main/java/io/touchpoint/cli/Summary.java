package io.touchpoint.cli;

import io.touchpoint.avro.Channel;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** The per-channel table {@code demo} prints, computed from what the job wrote to InfluxDB. */
final class Summary {

    private Summary() {}

    /** @param firing channel -> the alert rules firing on it at {@code end}: the channel is marked, the rules named */
    static void print(String url, String database, long end, String interactionTopic, String surveyTopic,
            Map<String, List<String>> firing, PrintWriter out) {
        try (InfluxDB influx = InfluxDBFactory.connect(url)) {
            Map<String, Map<String, Double>> volume = byChannel(influx, database,
                    "SELECT sum(events) AS events, sum(conversations_opened) AS opened FROM interactions GROUP BY channel");
            Map<String, Map<String, Double>> nps = byChannel(influx, database,
                    "SELECT sum(responses) AS n, sum(promoters) AS p, sum(detractors) AS d FROM nps "
                            + "WHERE \"window\" = '1m' GROUP BY channel");
            Map<String, Map<String, Double>> lastHour = byChannel(influx, database,
                    "SELECT nps, nps_ci95_low AS lo, nps_ci95_high AS hi, responses AS n FROM nps "
                            + "WHERE \"window\" = '1h' AND time = " + end + "ms GROUP BY channel");
            Map<String, Map<String, Double>> csat = byChannel(influx, database,
                    "SELECT sum(responses) AS n, sum(satisfied) AS s FROM csat WHERE \"window\" = '1m' GROUP BY channel");
            Map<String, Map<String, Double>> frt = byChannel(influx, database,
                    "SELECT sum(replies) AS n, sum(within_sla) AS ok, max(frt_p90_s) AS worst FROM first_response "
                            + "WHERE \"window\" = '1m' GROUP BY channel");
            Map<String, Map<String, Double>> frt15 = byChannel(influx, database,
                    "SELECT max(frt_p90_s) AS worst FROM first_response WHERE \"window\" = '15m' GROUP BY channel");
            Map<String, Map<String, Double>> backlog = byChannel(influx, database,
                    "SELECT max(oldest_wait_s) AS oldest, sum(abandoned) AS abandoned FROM backlog GROUP BY channel");

            out.printf("  %-8s %8s %7s %12s %22s %7s %9s %13s %12s %9s  %s%n", "channel", "events", "convs", "NPS (run)",
                    "NPS last hour (95% CI)", "CSAT %", "replies", "SLA met %", "worst p90 15m", "max wait", "alerts firing");
            for (Channel channel : Channel.values()) {
                String c = channel.name().toLowerCase(Locale.ROOT);
                Map<String, Double> v = volume.get(c);
                if (v == null) {
                    continue;
                }
                Map<String, Double> n = nps.getOrDefault(c, Map.of());
                Map<String, Double> h = lastHour.getOrDefault(c, Map.of());
                Map<String, Double> s = csat.getOrDefault(c, Map.of());
                Map<String, Double> f = frt.getOrDefault(c, Map.of());
                Map<String, Double> f15 = frt15.getOrDefault(c, Map.of());
                Map<String, Double> b = backlog.getOrDefault(c, Map.of());
                List<String> alerts = firing.getOrDefault(c, List.of());
                out.printf("%s %-8s %,8d %,7d %12s %22s %7s %,9d %13s %12s %9s  %s%n", alerts.isEmpty() ? " " : "!", c,
                        v.get("events").longValue(), v.get("opened").longValue(),
                        n.containsKey("n") ? String.format("%+.1f", 100 * (n.get("p") - n.get("d")) / n.get("n")) : "-",
                        h.containsKey("nps") ? String.format("%+.1f (%+.0f..%+.0f) n=%d", h.get("nps"), h.get("lo"),
                                h.get("hi"), h.get("n").longValue()) : "-",
                        s.containsKey("n") ? String.format("%.1f", 100 * s.get("s") / s.get("n")) : "-",
                        f.getOrDefault("n", 0.0).longValue(),
                        f.containsKey("n") ? String.format("%.1f", 100 * f.get("ok") / f.get("n")) : "-",
                        f15.containsKey("worst") ? duration(f15.get("worst")) : "-",
                        b.containsKey("oldest") ? duration(b.get("oldest")) : "-",
                        alerts.isEmpty() ? "-" : String.join(", ", alerts));
            }
            out.println();
            for (String topic : List.of(interactionTopic, surveyTopic)) {
                Map<String, Double> p = one(influx, database, "SELECT sum(records_in) AS r, sum(dead_letter) AS dl, "
                        + "sum(duplicates) AS dup, sum(too_late) AS tl FROM pipeline WHERE source = '" + topic + "'");
                out.printf("%-16s records in %,d, dead letters %,d, duplicates %,d, too late %,d%n", topic,
                        p.getOrDefault("r", 0.0).longValue(), p.getOrDefault("dl", 0.0).longValue(),
                        p.getOrDefault("dup", 0.0).longValue(), p.getOrDefault("tl", 0.0).longValue());
            }
        }
    }

    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format("%.0f s", seconds);
        }
        if (seconds < 7200) {
            return String.format("%.1f min", seconds / 60);
        }
        return String.format("%.1f h", seconds / 3600);
    }

    private static Map<String, Double> one(InfluxDB influx, String database, String q) {
        Map<String, Map<String, Double>> rows = byChannel(influx, database, q);
        return rows.isEmpty() ? Map.of() : rows.values().iterator().next();
    }

    /** Rows of a query, by the value of the channel tag ("" when the query has no such group). */
    private static Map<String, Map<String, Double>> byChannel(InfluxDB influx, String database, String q) {
        QueryResult result = influx.query(new Query(q, database), TimeUnit.MILLISECONDS);
        Map<String, Map<String, Double>> rows = new TreeMap<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String channel = series.getTags() == null ? "" : series.getTags().getOrDefault("channel", "");
                Map<String, Double> row = new HashMap<>();
                List<Object> values = series.getValues().get(0);
                for (int i = 0; i < series.getColumns().size(); i++) {
                    if (values.get(i) instanceof Number number) {
                        row.put(series.getColumns().get(i), number.doubleValue());
                    }
                }
                rows.put(channel, row);
            }
        }
        return rows;
    }
}
