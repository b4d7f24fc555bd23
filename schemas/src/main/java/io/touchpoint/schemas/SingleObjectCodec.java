package io.touchpoint.schemas;

import io.touchpoint.avro.ChurnRiskSignal;
import io.touchpoint.avro.DeadLetter;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding (marker {@code C3 01}, CRC-64-AVRO fingerprint, binary datum) for one record type.
 *
 * <p>The decoder knows the current schema and every older writer version listed in {@code avro/versions/index.txt},
 * so records written by older producers are resolved to the current classes. Instances are thread-safe.
 */
public final class SingleObjectCodec<T extends SpecificRecordBase> {

    /** Payloads larger than this are rejected before decoding (no event comes near it). */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private static final String VERSIONS = "/touchpoint/schemas/versions/";

    static {
        // Corrupt length prefixes must not make Avro allocate gigabytes; these limits apply to every datum.
        limitIfUnset("org.apache.avro.limits.string.maxLength", MAX_PAYLOAD_BYTES);
        limitIfUnset("org.apache.avro.limits.bytes.maxLength", MAX_PAYLOAD_BYTES);
        limitIfUnset("org.apache.avro.limits.collectionItems.maxLength", MAX_PAYLOAD_BYTES);
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final List<Schema> writerSchemas = new ArrayList<>();

    private SingleObjectCodec(Class<T> type, Schema schema) {
        this.schema = schema;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        writerSchemas.add(schema);
        for (Schema old : keptVersions(schema.getFullName())) {
            decoder.addSchema(old);
            writerSchemas.add(old);
        }
    }

    public static SingleObjectCodec<InteractionEvent> interactions() {
        return new SingleObjectCodec<>(InteractionEvent.class, InteractionEvent.getClassSchema());
    }

    public static SingleObjectCodec<SurveyResponse> surveys() {
        return new SingleObjectCodec<>(SurveyResponse.class, SurveyResponse.getClassSchema());
    }

    public static SingleObjectCodec<ChurnRiskSignal> churnSignals() {
        return new SingleObjectCodec<>(ChurnRiskSignal.class, ChurnRiskSignal.getClassSchema());
    }

    public static SingleObjectCodec<DeadLetter> deadLetters() {
        return new SingleObjectCodec<>(DeadLetter.class, DeadLetter.getClassSchema());
    }

    /** The current (reader) schema. */
    public Schema schema() {
        return schema;
    }

    /** Every writer schema this codec reads: the current one first, then the kept older versions. */
    public List<Schema> writerSchemas() {
        return List.copyOf(writerSchemas);
    }

    /** The CRC-64-AVRO fingerprint that prefixes records written with {@code writer}. */
    public static long fingerprint(Schema writer) {
        return SchemaNormalization.parsingFingerprint64(writer);
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes one record, resolving older writer versions to the current schema.
     *
     * @throws CodecException with {@link CodecException.Kind#UNKNOWN_SCHEMA} for a fingerprint of no kept version,
     *     {@link CodecException.Kind#DECODE_ERROR} for anything else that is not a valid record
     */
    public T decode(byte[] payload) throws CodecException {
        if (payload == null || payload.length == 0) {
            throw new CodecException(CodecException.Kind.DECODE_ERROR, "empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new CodecException(
                    CodecException.Kind.DECODE_ERROR, "payload of " + payload.length + " bytes is over the limit");
        }
        try {
            return decoder.decode(payload);
        } catch (MissingSchemaException e) {
            throw new CodecException(CodecException.Kind.UNKNOWN_SCHEMA, e.getMessage());
        } catch (BadHeaderException e) {
            throw new CodecException(CodecException.Kind.DECODE_ERROR, "not single-object encoded: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new CodecException(CodecException.Kind.DECODE_ERROR, describe(e));
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static List<Schema> keptVersions(String fullName) {
        List<Schema> result = new ArrayList<>();
        for (String file : versionFiles()) {
            try (InputStream in = resource(VERSIONS + file)) {
                Schema parsed = new Schema.Parser().parse(in);
                if (parsed.getFullName().equals(fullName)) {
                    result.add(parsed);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema version " + file, e);
            }
        }
        return result;
    }

    /** File names listed in the versions index, in order. */
    public static List<String> versionFiles() {
        List<String> files = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(resource(VERSIONS + "index.txt"), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    files.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static InputStream resource(String path) {
        return Objects.requireNonNull(SingleObjectCodec.class.getResourceAsStream(path), "missing resource " + path);
    }

    private static void limitIfUnset(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
