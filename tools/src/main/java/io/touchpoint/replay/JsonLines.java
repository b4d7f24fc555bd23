package io.touchpoint.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON Lines form of SPEC §2: one object per line, {@code "kind": "interaction" | "survey"}, the Avro field
 * names as keys, enum symbols in any letter case, {@code occurred_at} as an ISO-8601 instant or epoch millis.
 *
 * <p>Reading checks JSON types only. Values are passed on as they are — an empty id, a score of 42 or a timestamp in
 * the next century reach the job, which turns them into dead letters exactly as it would live. An unknown channel
 * or interaction type reads as OTHER, the enums' default, as Avro schema resolution would.
 */
public final class JsonLines {

    // Trailing tokens fail, so that two objects glued on one line are a line error rather than half a line read.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {}

    /** A line that is not JSON of the right types. */
    public static final class LineException extends Exception {
        private final long line;

        LineException(long line, String message) {
            super("line " + line + ": " + message, null, false, false);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    /** Receives each record, or each bad line, in file order. */
    public interface Handler {
        void record(SpecificRecord record);

        void badLine(LineException e);
    }

    public static void read(Path file, Handler handler) throws IOException {
        read(file, handler, new AtomicLong());
    }

    /** @param bytesRead advanced as the file is read (compressed bytes for .gz), for a progress line */
    public static void read(Path file, Handler handler, AtomicLong bytesRead) throws IOException {
        try (InputStream raw = new CountingInputStream(Files.newInputStream(file), bytesRead);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (number == 1 && line.startsWith("\uFEFF")) {
                    // Exports saved by some Windows tools start with a byte-order mark.
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    handler.record(parse(line, number));
                } catch (LineException e) {
                    handler.badLine(e);
                }
            }
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private final AtomicLong count;

        CountingInputStream(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }

    public static SpecificRecord parse(String line, long number) throws LineException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new LineException(number, "not JSON (" + e.getOriginalMessage() + ")");
        }
        return parse(node, number);
    }

    /** One already-parsed object of the JSON Lines form; {@code number} names it in errors (a line, an item). */
    public static SpecificRecord parse(JsonNode node, long number) throws LineException {
        if (node == null || !node.isObject()) {
            throw new LineException(number, "not a JSON object");
        }
        Fields f = new Fields(node, number);
        String kind = f.requiredString("kind");
        return switch (kind) {
            case "interaction" -> InteractionEvent.newBuilder()
                    .setEventId(f.requiredString("event_id"))
                    .setOccurredAt(f.instant("occurred_at"))
                    .setChannel(f.enumOrDefault("channel", Channel.class, Channel.OTHER))
                    .setTouchpoint(f.optionalString("touchpoint"))
                    .setCustomerId(f.requiredString("customer_id"))
                    .setConversationId(f.requiredString("conversation_id"))
                    .setType(f.enumOrDefault("type", InteractionType.class, InteractionType.OTHER))
                    .setAgentId(f.optionalString("agent_id"))
                    .setSentiment(f.optionalFloat("sentiment"))
                    .setAttributes(f.stringMap("attributes"))
                    .build();
            case "survey" -> SurveyResponse.newBuilder()
                    .setResponseId(f.requiredString("response_id"))
                    .setOccurredAt(f.instant("occurred_at"))
                    .setChannel(f.enumOrDefault("channel", Channel.class, Channel.OTHER))
                    .setTouchpoint(f.optionalString("touchpoint"))
                    .setCustomerId(f.requiredString("customer_id"))
                    .setConversationId(f.optionalString("conversation_id"))
                    .setSurvey(f.enumOrDefault("survey", SurveyType.class, null))
                    .setScore(f.requiredInt("score"))
                    .setComment(f.optionalString("comment"))
                    .build();
            default -> throw new LineException(number, "kind must be \"interaction\" or \"survey\", got \"" + kind + "\"");
        };
    }

    /**
     * Writes every record to {@code file} (gzipped when the name ends in {@code .gz}) in the form {@link #read}
     * reads back equal; returns how many were written.
     */
    public static long write(Path file, Iterator<? extends SpecificRecord> records) throws IOException {
        long n = 0;
        try (Out out = new Out(file)) {
            while (records.hasNext()) {
                out.accept(records.next());
                n++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return n;
    }

    /** Writes records in the same form (ISO instants, lower-case enum symbols), optionally gzipped. */
    public static final class Out implements AutoCloseable, Consumer<SpecificRecord> {
        private final Writer writer;

        public Out(Path file) throws IOException {
            OutputStream raw = Files.newOutputStream(file);
            OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
            this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        }

        @Override
        public void accept(SpecificRecord record) {
            try {
                writer.write(toJson(record));
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    public static String toJson(SpecificRecord record) {
        ObjectNode o = JSON.createObjectNode();
        if (record instanceof InteractionEvent e) {
            o.put("kind", "interaction");
            o.put("event_id", e.getEventId());
            o.put("occurred_at", e.getOccurredAt().toString());
            o.put("channel", e.getChannel().name().toLowerCase(Locale.ROOT));
            putNullable(o, "touchpoint", e.getTouchpoint());
            o.put("customer_id", e.getCustomerId());
            o.put("conversation_id", e.getConversationId());
            o.put("type", e.getType().name().toLowerCase(Locale.ROOT));
            putNullable(o, "agent_id", e.getAgentId());
            if (e.getSentiment() != null) {
                o.put("sentiment", e.getSentiment());
            }
            if (!e.getAttributes().isEmpty()) {
                ObjectNode attributes = o.putObject("attributes");
                e.getAttributes().forEach(attributes::put);
            }
        } else if (record instanceof SurveyResponse s) {
            o.put("kind", "survey");
            o.put("response_id", s.getResponseId());
            o.put("occurred_at", s.getOccurredAt().toString());
            o.put("channel", s.getChannel().name().toLowerCase(Locale.ROOT));
            putNullable(o, "touchpoint", s.getTouchpoint());
            o.put("customer_id", s.getCustomerId());
            putNullable(o, "conversation_id", s.getConversationId());
            o.put("survey", s.getSurvey().name().toLowerCase(Locale.ROOT));
            o.put("score", s.getScore());
            putNullable(o, "comment", s.getComment());
        } else {
            throw new IllegalArgumentException("not an input record: " + record.getClass());
        }
        return o.toString();
    }

    private static void putNullable(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    /** Typed access to one line's fields, with line-numbered errors. */
    private record Fields(JsonNode node, long line) {

        String requiredString(String key) throws LineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new LineException(line, key + " is missing");
            }
            if (!v.isTextual()) {
                throw new LineException(line, key + " must be a string");
            }
            return v.asText();
        }

        String optionalString(String key) throws LineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new LineException(line, key + " must be a string or null");
            }
            return v.asText();
        }

        int requiredInt(String key) throws LineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new LineException(line, key + " is missing");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new LineException(line, key + " must be an integer");
            }
            return v.asInt();
        }

        Float optionalFloat(String key) throws LineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isNumber()) {
                throw new LineException(line, key + " must be a number or null");
            }
            return (float) v.asDouble();
        }

        Instant instant(String key) throws LineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new LineException(line, key + " is missing");
            }
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                return Instant.ofEpochMilli(v.asLong());
            }
            if (v.isTextual()) {
                try {
                    return Instant.parse(v.asText());
                } catch (DateTimeParseException e) {
                    throw new LineException(line, key + " is not an ISO-8601 instant: \"" + v.asText() + "\"");
                }
            }
            throw new LineException(line, key + " must be an ISO-8601 instant or epoch milliseconds");
        }

        <E extends Enum<E>> E enumOrDefault(String key, Class<E> type, E fallback) throws LineException {
            String symbol = requiredString(key).toUpperCase(Locale.ROOT);
            try {
                return Enum.valueOf(type, symbol);
            } catch (IllegalArgumentException e) {
                if (fallback == null) {
                    throw new LineException(line, key + " \"" + node.get(key).asText() + "\" is not one of "
                            + Arrays.toString(type.getEnumConstants()));
                }
                return fallback;
            }
        }

        Map<String, String> stringMap(String key) throws LineException {
            JsonNode v = node.get(key);
            Map<String, String> map = new HashMap<>();
            if (v == null || v.isNull()) {
                return map;
            }
            if (!v.isObject()) {
                throw new LineException(line, key + " must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new LineException(line, key + "." + e.getKey() + " must be a string");
                }
                map.put(e.getKey(), e.getValue().asText());
            }
            return map;
        }
    }
}
