package io.touchpoint.alerts;

import java.util.ArrayList;
import java.util.List;

/** Grafana's reduce expression over the values of one series (nulls are non-numbers). */
final class Reducer {

    private Reducer() {}

    /**
     * @param mode {@code dropNN}: non-numbers are dropped first; {@code strict}: any non-number gives NaN
     * @return the reduced value, NaN when there is nothing to reduce (the series is then left out)
     */
    static double reduce(String reducer, String mode, List<Double> values) {
        List<Double> numbers = new ArrayList<>();
        for (Double v : values) {
            if (v == null || v.isNaN()) {
                if (mode.equals("strict")) {
                    return Double.NaN;
                }
                if (!mode.equals("dropNN")) {
                    throw new IllegalArgumentException("reduce mode " + mode + " is not supported (dropNN, strict)");
                }
                continue;
            }
            numbers.add(v);
        }
        if (reducer.equals("count")) {
            return numbers.size();
        }
        if (numbers.isEmpty()) {
            return Double.NaN;
        }
        return switch (reducer) {
            case "last" -> numbers.get(numbers.size() - 1);
            case "min" -> numbers.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            case "max" -> numbers.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            case "sum" -> numbers.stream().mapToDouble(Double::doubleValue).sum();
            case "mean" -> numbers.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            default -> throw new IllegalArgumentException("reducer " + reducer + " is not supported");
        };
    }
}
