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

    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

    /** The line of a point, or null when it has no finite field. */
    public static String encode(MetricPoint point) {
        StringBuilder line = new StringBuilder(128);
        return appendTo(point, line) ? line.toString() : null;
    }

    /**
     * Appends the line of a point to {@code out}, without a line break; when the point has no finite field, appends
     * nothing and returns false. The sink builds a whole batch in one builder this way, without a string per line.
     */
    public static boolean appendTo(MetricPoint point, StringBuilder out) {
        int start = out.length();
        escape(point.measurement, out, false);
        for (int i = 0; i < point.tags.length; i += 2) {
            String value = point.tags[i + 1];
            if (value == null || value.isEmpty()) {
                out.setLength(start);
                throw new IllegalArgumentException("empty tag value for " + point.tags[i] + " in " + point.measurement);
            }
            out.append(',');
            escape(point.tags[i], out, true);
            out.append('=');
            escape(value, out, true);
        }
        char separator = ' ';
        for (int f = 0; f < point.fieldNames.length; f++) {
            double value = point.fieldValues[f];
            if (!Double.isFinite(value)) {
                continue;
            }
            out.append(separator);
            separator = ',';
            escape(point.fieldNames[f], out, true);
            out.append('=');
            if (point.isInteger(f)) {
                out.append((long) value).append('i');
            } else {
                appendDouble(value, out);
            }
        }
        if (separator == ' ') {
            out.setLength(start);
            return false;
        }
        out.append(' ').append(point.timestamp);
        return true;
    }

    /**
     * {@link Double#toString(double)}'s text: whole numbers below 10^7 (counts as floats, SLA targets) written as the
     * long and ".0" without the general conversion; the rest by it.
     */
    private static void appendDouble(double value, StringBuilder out) {
        long whole = (long) value;
        if (whole == value && whole > -10_000_000 && whole < 10_000_000
                && Double.doubleToRawLongBits(value) != NEGATIVE_ZERO) {
            out.append(whole).append(".0");
        } else {
            out.append(value);
        }
    }

    /** Appends {@code s} escaped; a string that needs no escaping (nearly every one) is appended whole. */
    private static void escape(String s, StringBuilder out, boolean equalsToo) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == ',' || c == '\\' || (equalsToo && c == '=') || (c >= 0x7f && c <= 0x9f)) {
                out.append(s, 0, i);
                escapeFrom(s, i, out, equalsToo);
                return;
            }
        }
        out.append(s);
    }

    private static void escapeFrom(String s, int from, StringBuilder out, boolean equalsToo) {
        for (int i = from; i < s.length(); i++) {
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
