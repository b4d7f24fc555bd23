package io.touchpoint.influx;

/**
 * InfluxDB line protocol for {@link MetricPoint}, millisecond precision.
 *
 * <p>Tag keys and values escape commas, equals signs and spaces. Two things cannot be escaped in line protocol, so
 * they are replaced: control characters (a newline would end the line and start an injected one) become {@code _},
 * and backslashes become {@code /} (InfluxDB keeps {@code \\} as two characters, and a trailing backslash escapes
 * the separator after it, breaking the line). Quotes need no escaping in tags. Fields that are NaN or infinite are
 * left out, as InfluxDB rejects them; a point with no field left is not written.
 */
public final class LineProtocol {

    private LineProtocol() {}

    /** The line of a point, or null when it has no finite field. */
    public static String encode(MetricPoint point) {
        StringBuilder line = new StringBuilder(128);
        escape(point.measurement, line, false);
        for (int i = 0; i < point.tags.length; i += 2) {
            String value = point.tags[i + 1];
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("empty tag value for " + point.tags[i] + " in " + point.measurement);
            }
            line.append(',');
            escape(point.tags[i], line, true);
            line.append('=');
            escape(value, line, true);
        }
        char separator = ' ';
        for (int f = 0; f < point.fieldNames.length; f++) {
            double value = point.fieldValues[f];
            if (!Double.isFinite(value)) {
                continue;
            }
            line.append(separator);
            separator = ',';
            escape(point.fieldNames[f], line, true);
            line.append('=');
            if (point.isInteger(f)) {
                line.append((long) value).append('i');
            } else {
                line.append(value);
            }
        }
        if (separator == ' ') {
            return null;
        }
        return line.append(' ').append(point.timestamp).toString();
    }

    private static void escape(String s, StringBuilder out, boolean equalsToo) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (equalsToo && c == '=')) {
                out.append('\\').append(c);
            } else if (c == '\\') {
                out.append('/');
            } else if (Character.isISOControl(c)) {
                out.append('_');
            } else {
                out.append(c);
            }
        }
    }
}
