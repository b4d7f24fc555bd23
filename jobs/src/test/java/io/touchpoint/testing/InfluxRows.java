package io.touchpoint.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** Reads query results back from a real InfluxDB as rows of column → value (time in epoch milliseconds). */
public final class InfluxRows implements AutoCloseable {

    private final InfluxDB influx;
    private final String database;

    public InfluxRows(String url, String database) {
        this.influx = InfluxDBFactory.connect(url);
        this.database = database;
    }

    public InfluxRows(String url, String database, String user, String password) {
        this.influx = InfluxDBFactory.connect(url, user, password);
        this.database = database;
    }

    public List<Map<String, Object>> query(String influxql) {
        QueryResult result = influx.query(new Query(influxql, database), TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException(influxql + ": " + result.getError());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException(influxql + ": " + r.getError());
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                for (List<Object> values : series.getValues()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    if (series.getTags() != null) {
                        row.putAll(series.getTags());
                    }
                    for (int i = 0; i < series.getColumns().size(); i++) {
                        Object v = values.get(i);
                        row.put(series.getColumns().get(i), v);
                    }
                    Object time = row.get("time");
                    if (time instanceof Double d) {
                        row.put("time", d.longValue());
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The single row a query must return. */
    public Map<String, Object> one(String influxql) {
        List<Map<String, Object>> rows = query(influxql);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row for " + influxql + " but got " + rows);
        }
        return rows.get(0);
    }

    @Override
    public void close() {
        influx.close();
    }
}
