package io.touchpoint.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoint.replay.JsonLines;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The body of {@code POST /v1/events}: the JSON Lines form of SPEC §2 as one object, an array of objects, or one
 * object per line. Each object is read by {@link JsonLines}, exactly as {@code replay} reads a file; items of an
 * array are numbered like lines, from 1.
 */
record EventBatch(List<SpecificRecord> records, List<String> errors) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static EventBatch parse(String body) {
        String text = body.startsWith("\uFEFF") ? body.substring(1) : body;
        List<SpecificRecord> records = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            errors.add("the body is empty");
            return new EventBatch(records, errors);
        }
        if (trimmed.startsWith("[")) {
            JsonNode array;
            try {
                array = JSON.readTree(trimmed);
            } catch (JsonProcessingException e) {
                errors.add("not a JSON array (" + e.getOriginalMessage() + ")");
                return new EventBatch(records, errors);
            }
            for (int i = 0; i < array.size(); i++) {
                add(records, errors, array.get(i), i + 1);
            }
            return new EventBatch(records, errors);
        }
        JsonNode whole = null;
        try {
            whole = JSON.readTree(trimmed);
        } catch (JsonProcessingException notOneValue) {
            // several lines, each its own object
        }
        if (whole != null && whole.isObject()) {
            // one object, also when pretty-printed over several lines
            add(records, errors, whole, 1);
            return new EventBatch(records, errors);
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                records.add(JsonLines.parse(lines[i], i + 1));
            } catch (JsonLines.LineException e) {
                errors.add(e.getMessage());
            }
        }
        return new EventBatch(records, errors);
    }

    private static void add(List<SpecificRecord> records, List<String> errors, JsonNode node, long number) {
        try {
            records.add(JsonLines.parse(node, number));
        } catch (JsonLines.LineException e) {
            errors.add(e.getMessage());
        }
    }
}
