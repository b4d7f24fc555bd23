package io.touchpoint.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.DeadLetter;
import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {

    private static final Instant AT = Instant.parse("2026-11-02T10:15:30Z");

    private final SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();

    @Test
    void encodesMarkerFingerprintAndDatum() throws Exception {
        InteractionEvent event = interaction();
        byte[] bytes = interactions.encode(event);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SingleObjectCodec.fingerprint(InteractionEvent.getClassSchema()));
        assertThat(interactions.decode(bytes)).isEqualTo(event);
    }

    @Test
    void readsRecordsWrittenWithTheOlderVersion() throws Exception {
        Schema v1 = interactions.writerSchemas().get(1);
        assertThat(v1.getField("sentiment")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("event_id", "e-1");
        old.put("occurred_at", AT.toEpochMilli());
        old.put("channel", new GenericData.EnumSymbol(v1.getField("channel").schema(), "CHAT"));
        old.put("touchpoint", "billing");
        old.put("customer_id", "c-1");
        old.put("conversation_id", "conv-1");
        old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "AGENT_MESSAGE"));
        old.put("agent_id", "a-7");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        InteractionEvent read = interactions.decode(bytes);

        assertThat(read.getEventId()).isEqualTo("e-1");
        assertThat(read.getOccurredAt()).isEqualTo(AT);
        assertThat(read.getChannel()).isEqualTo(Channel.CHAT);
        assertThat(read.getType()).isEqualTo(InteractionType.AGENT_MESSAGE);
        assertThat(read.getAgentId()).isEqualTo("a-7");
        assertThat(read.getSentiment()).isNull();
        assertThat(read.getAttributes()).isEmpty();
    }

    @Test
    void unknownFingerprintIsUnknownSchema() {
        byte[] bytes = interactions.encode(interaction());
        bytes[5] ^= 0x55;
        assertThatThrownBy(() -> interactions.decode(bytes))
                .isInstanceOfSatisfying(CodecException.class,
                        e -> assertThat(e.kind()).isEqualTo(CodecException.Kind.UNKNOWN_SCHEMA));
    }

    @Test
    void aSurveyOnTheInteractionTopicIsUnknownSchema() {
        SurveyResponse survey = SurveyResponse.newBuilder()
                .setResponseId("r-1").setOccurredAt(AT).setChannel(Channel.EMAIL).setCustomerId("c-1")
                .setSurvey(SurveyType.NPS).setScore(9).build();
        byte[] bytes = SingleObjectCodec.surveys().encode(survey);
        assertThatThrownBy(() -> interactions.decode(bytes))
                .isInstanceOfSatisfying(CodecException.class,
                        e -> assertThat(e.kind()).isEqualTo(CodecException.Kind.UNKNOWN_SCHEMA));
    }

    @Test
    void garbageTruncatedAndEmptyPayloadsAreDecodeErrors() {
        byte[] valid = interactions.encode(interaction());
        byte[][] bad = {
            "{\"event_id\": \"json, not avro\"}".getBytes(),
            Arrays.copyOf(valid, valid.length - 6),
            Arrays.copyOf(valid, 10),
            new byte[0],
            new byte[SingleObjectCodec.MAX_PAYLOAD_BYTES + 1],
        };
        for (byte[] payload : bad) {
            assertThatThrownBy(() -> interactions.decode(payload))
                    .isInstanceOfSatisfying(CodecException.class,
                            e -> assertThat(e.kind()).isEqualTo(CodecException.Kind.DECODE_ERROR));
        }
    }

    @Test
    void unknownEnumSymbolOfANewerWriterReadsAsOther() throws Exception {
        String newer = InteractionEvent.getClassSchema().toString()
                .replace("\"STORE\",\"OTHER\"", "\"STORE\",\"KIOSK\",\"OTHER\"");
        Schema writer = new Schema.Parser().parse(newer);
        assertThat(writer.getField("channel").schema().getEnumSymbols()).contains("KIOSK");
        // A newer version can only be read once it is kept: register it the way a kept version is.
        org.apache.avro.message.BinaryMessageDecoder<InteractionEvent> decoder =
                new org.apache.avro.message.BinaryMessageDecoder<>(
                        org.apache.avro.specific.SpecificData.getForClass(InteractionEvent.class),
                        InteractionEvent.getClassSchema());
        decoder.addSchema(writer);
        GenericRecord record = new GenericData.Record(writer);
        for (Schema.Field f : writer.getFields()) {
            record.put(f.name(), null);
        }
        record.put("event_id", "e-2");
        record.put("occurred_at", AT.toEpochMilli());
        record.put("channel", new GenericData.EnumSymbol(writer.getField("channel").schema(), "KIOSK"));
        record.put("customer_id", "c");
        record.put("conversation_id", "v");
        record.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), "OTHER"));
        record.put("attributes", Map.of());
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record).array();
        assertThat(decoder.decode(bytes).getChannel()).isEqualTo(Channel.OTHER);
    }

    @Test
    void theVersionIndexListsEveryKeptFile() {
        File dir = new File("avro/versions");
        String[] files = dir.list((d, name) -> name.endsWith(".avsc"));
        assertThat(files).isNotNull();
        assertThat(SingleObjectCodec.versionFiles()).containsExactlyInAnyOrder(files);
        assertThat(SingleObjectCodec.surveys().writerSchemas()).hasSize(2);
        assertThat(interactions.writerSchemas()).hasSize(2);
    }

    @Test
    void deadLettersOfTheFirstVersionStillDecodeAndAnUnknownReasonReadsAsOther() throws Exception {
        SingleObjectCodec<DeadLetter> letters = SingleObjectCodec.deadLetters();
        Schema v1 = letters.writerSchemas().get(1);
        assertThat(v1.getField("reason").schema().getEnumSymbols()).doesNotContain("TOO_OLD");
        GenericRecord old = deadLetter(v1, "TOO_LATE");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();
        assertThat(letters.decode(bytes).getReason()).isEqualTo(DeadLetterReason.TOO_LATE);

        // a newer writer with a reason this version does not know
        Schema newer = new Schema.Parser().parse(DeadLetter.getClassSchema().toString()
                .replace("\"TOO_OLD\",", "\"TOO_OLD\",\"NOT_YET_INVENTED\","));
        org.apache.avro.message.BinaryMessageDecoder<DeadLetter> decoder =
                new org.apache.avro.message.BinaryMessageDecoder<>(
                        org.apache.avro.specific.SpecificData.getForClass(DeadLetter.class), DeadLetter.getClassSchema());
        decoder.addSchema(newer);
        byte[] future = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(deadLetter(newer, "NOT_YET_INVENTED")).array();
        assertThat(decoder.decode(future).getReason()).isEqualTo(DeadLetterReason.OTHER);
    }

    private static GenericRecord deadLetter(Schema schema, String reason) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("source_topic", "cx.surveys");
        r.put("partition", 0);
        r.put("offset", 7L);
        r.put("received_at", AT.toEpochMilli());
        r.put("reason", new GenericData.EnumSymbol(schema.getField("reason").schema(), reason));
        r.put("detail", "");
        r.put("payload", ByteBuffer.wrap(new byte[] {1}));
        return r;
    }

    private static InteractionEvent interaction() {
        return InteractionEvent.newBuilder()
                .setEventId("e-1").setOccurredAt(AT).setChannel(Channel.CHAT).setTouchpoint("billing")
                .setCustomerId("c-1").setConversationId("conv-1").setType(InteractionType.CUSTOMER_MESSAGE)
                .setSentiment(-0.75f).setAttributes(Map.of("queue", "vip")).build();
    }

}
