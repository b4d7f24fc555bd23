package io.touchpoint.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Evaluates alert rules against an InfluxDB database as Grafana does: the query with its macros substituted for the
 * rule's relative time range ending at the evaluation instant, the reduce per series, the threshold, and the state
 * machine over the evaluations every {@link #INTERVAL} before it ({@link AlertStates}).
 */
public final class AlertEvaluator implements AutoCloseable {

    /** The rule group's evaluation interval in rules.yaml. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final InfluxDB influx;
    private final String database;

    /** @param user null for a server without authentication */
    public AlertEvaluator(String url, String database, String user, String password) {
        this.influx = user == null ? InfluxDBFactory.connect(url) : InfluxDBFactory.connect(url, user, password);
        this.database = database;
    }

    /** The rule's state per series at {@code at}. */
    public List<AlertState> states(AlertRule rule, Instant at) {
        return AlertStates.at(rule, at, INTERVAL,
                k -> evaluate(rule, at.minus(INTERVAL.multipliedBy(k)).toEpochMilli()));
    }

    /** The reduced value per series of one evaluation at {@code atMillis}, or the error InfluxDB answered. */
    public Evaluation evaluate(AlertRule rule, long atMillis) {
        String sent = GrafanaMacros.substitute(rule.query(), atMillis, rule.lookBackSeconds(), "");
        QueryResult result = influx.query(new Query(sent, database), TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            return Evaluation.failed(result.getError());
        }
        Map<String, Double> reduced = new TreeMap<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                return Evaluation.failed(r.getError());
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String name = series.getTags() == null ? "" : series.getTags().getOrDefault(rule.seriesTag(), "");
                int column = series.getColumns().indexOf("time") == 0 ? 1 : 0;
                List<Double> values = new ArrayList<>();
                for (List<Object> row : series.getValues()) {
                    values.add(row.get(column) instanceof Number n ? n.doubleValue() : null);
                }
                double value = Reducer.reduce(rule.reducer(), rule.reduceMode(), values);
                if (!Double.isNaN(value)) {
                    reduced.put(name, value);
                }
            }
        }
        return Evaluation.of(reduced);
    }

    @Override
    public void close() {
        influx.close();
    }
}
