package io.touchpoint.influx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One InfluxDB point: measurement, tags, numeric fields and an epoch-millisecond timestamp.
 *
 * <p>Kept as flat arrays so that Flink serializes it as a POJO without Kryo. Tags are sorted by key, so the same
 * key and window always give the same series; fields keep the order they were added in. A field is either an
 * integer (counts, written with the {@code i} suffix) or a float.
 */
public class MetricPoint {

    public String measurement;
    /** Tag keys and values interleaved: key0, value0, key1, value1, ...; sorted by key. */
    public String[] tags;
    public String[] fieldNames;
    public double[] fieldValues;
    /** Bit i set when field i is an integer. At most 64 fields. */
    public long integerFields;
    public long timestamp;

    public MetricPoint() {}

    public static Builder builder(String measurement, long timestampMillis) {
        return new Builder(measurement, timestampMillis);
    }

    public String tag(String key) {
        for (int i = 0; i < tags.length; i += 2) {
            if (tags[i].equals(key)) {
                return tags[i + 1];
            }
        }
        return null;
    }

    public Map<String, String> tagMap() {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < tags.length; i += 2) {
            map.put(tags[i], tags[i + 1]);
        }
        return map;
    }

    /** The field's value, or NaN when the point has no such field. */
    public double field(String name) {
        for (int i = 0; i < fieldNames.length; i++) {
            if (fieldNames[i].equals(name)) {
                return fieldValues[i];
            }
        }
        return Double.NaN;
    }

    public boolean isInteger(int fieldIndex) {
        return (integerFields & (1L << fieldIndex)) != 0;
    }

    /** Measurement plus sorted tags: the identity of the series this point belongs to. */
    public String seriesKey() {
        StringBuilder key = new StringBuilder(measurement);
        for (int i = 0; i < tags.length; i += 2) {
            key.append(',').append(tags[i]).append('=').append(tags[i + 1]);
        }
        return key.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MetricPoint other)) {
            return false;
        }
        return timestamp == other.timestamp
                && integerFields == other.integerFields
                && measurement.equals(other.measurement)
                && Arrays.equals(tags, other.tags)
                && Arrays.equals(fieldNames, other.fieldNames)
                && Arrays.equals(fieldValues, other.fieldValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurement, Arrays.hashCode(tags), timestamp);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(seriesKey()).append(' ');
        for (int i = 0; i < fieldNames.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(fieldNames[i]).append('=');
            if (isInteger(i)) {
                s.append((long) fieldValues[i]).append('i');
            } else {
                s.append(fieldValues[i]);
            }
        }
        return s.append(' ').append(timestamp).toString();
    }

    /** Collects tags and fields; tags end up sorted by key. */
    public static final class Builder {
        private final String measurement;
        private final long timestamp;
        private final TreeMap<String, String> tags = new TreeMap<>();
        private final List<String> names = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();
        private long integerFields;

        private Builder(String measurement, long timestamp) {
            this.measurement = Objects.requireNonNull(measurement);
            this.timestamp = timestamp;
        }

        public Builder tag(String key, String value) {
            tags.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /** An integer field (a count). */
        public Builder count(String name, long value) {
            integerFields |= 1L << names.size();
            names.add(name);
            values.add((double) value);
            return this;
        }

        /** A float field (seconds, percentages, scores). */
        public Builder value(String name, double value) {
            names.add(name);
            values.add(value);
            return this;
        }

        public MetricPoint build() {
            if (names.isEmpty() || names.size() > 64) {
                throw new IllegalStateException("a point needs 1 to 64 fields, got " + names.size());
            }
            MetricPoint p = new MetricPoint();
            p.measurement = measurement;
            p.timestamp = timestamp;
            p.tags = new String[tags.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> e : tags.entrySet()) {
                p.tags[i++] = e.getKey();
                p.tags[i++] = e.getValue();
            }
            p.fieldNames = names.toArray(new String[0]);
            p.fieldValues = new double[values.size()];
            for (int f = 0; f < values.size(); f++) {
                p.fieldValues[f] = values.get(f);
            }
            p.integerFields = integerFields;
            return p;
        }
    }
}
