package io.touchpoint.alerts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expanding notation of {@code promtool} rule tests for one field's values, one per interval: {@code a+bxn} is
 * a, a+b, ..., a+n·b (n+1 values), {@code a-bxn} counts down, {@code axn} is a repeated n+1 times, {@code _} one
 * missing value and {@code _xn} n missing values; blanks separate the parts.
 */
final class SeriesValues {

    private static final Pattern RUN = Pattern.compile("(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)(?:([+-])(\\d+(?:\\.\\d+)?))?x(\\d+)");

    private SeriesValues() {}

    /** The values in order; null where one is missing. */
    static List<Double> expand(String notation) {
        List<Double> values = new ArrayList<>();
        for (String part : notation.strip().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals("_")) {
                values.add(null);
            } else if (part.startsWith("_x")) {
                values.addAll(Collections.nCopies(Integer.parseInt(part.substring(2)), null));
            } else {
                Matcher m = RUN.matcher(part);
                if (m.matches()) {
                    double start = Double.parseDouble(m.group(1));
                    double step = m.group(2) == null ? 0 : Double.parseDouble(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
                    int n = Integer.parseInt(m.group(4));
                    for (int i = 0; i <= n; i++) {
                        values.add(start + i * step);
                    }
                } else {
                    try {
                        values.add(Double.parseDouble(part));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + part + "' in '" + notation
                                + "' is not a value (a number, a+bxn, a-bxn, axn, _ or _xn)");
                    }
                }
            }
        }
        return values;
    }
}
