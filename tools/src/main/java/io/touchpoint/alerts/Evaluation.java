package io.touchpoint.alerts;

import java.util.Map;

/**
 * One evaluation of a rule's query and reduce at one instant: the reduced value per series (series whose reduce
 * gives no number are left out), or the error InfluxDB answered.
 */
public record Evaluation(Map<String, Double> values, String error) {

    public static Evaluation of(Map<String, Double> values) {
        return new Evaluation(values, null);
    }

    public static Evaluation failed(String error) {
        return new Evaluation(Map.of(), error);
    }

    public boolean failed() {
        return error != null;
    }

    public boolean noData() {
        return error == null && values.isEmpty();
    }
}
