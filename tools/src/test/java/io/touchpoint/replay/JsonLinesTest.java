package io.touchpoint.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {

    @TempDir
    Path dir;

    @Test
    void readsBothTimestampFormsAndEnumsInAnyCase() throws Exception {
        InteractionEvent e = (InteractionEvent) JsonLines.parse("{\"kind\":\"interaction\",\"event_id\":\"e-1\","
                + "\"occurred_at\":\"2017-10-31T22:10:47Z\",\"channel\":\"Chat\",\"touchpoint\":\"AppleSupport\","
                + "\"customer_id\":\"c-1\",\"conversation_id\":\"v-1\",\"type\":\"agent_message\",\"agent_id\":\"a\","
                + "\"sentiment\":-0.5,\"attributes\":{\"queue\":\"vip\"}}", 1);
        assertThat(e.getOccurredAt()).isEqualTo(Instant.parse("2017-10-31T22:10:47Z"));
        assertThat(e.getChannel()).isEqualTo(Channel.CHAT);
        assertThat(e.getType()).isEqualTo(InteractionType.AGENT_MESSAGE);
        assertThat(e.getTouchpoint()).isEqualTo("AppleSupport");
        assertThat(e.getSentiment()).isEqualTo(-0.5f);
        assertThat(e.getAttributes()).containsExactly(Map.entry("queue", "vip"));

        SurveyResponse s = (SurveyResponse) JsonLines.parse("{\"kind\":\"survey\",\"response_id\":\"r-1\","
                + "\"occurred_at\":1509487847000,\"channel\":\"EMAIL\",\"customer_id\":\"c-1\",\"survey\":\"nps\","
                + "\"score\":9}", 2);
        assertThat(s.getOccurredAt()).isEqualTo(Instant.parse("2017-10-31T22:10:47Z"));
        assertThat(s.getSurvey()).isEqualTo(SurveyType.NPS);
        assertThat(s.getTouchpoint()).isNull();
        assertThat(s.getConversationId()).isNull();
        assertThat(s.getComment()).isNull();
    }

    @Test
    void anUnknownChannelIsOtherButAnUnknownSurveyIsALineError() throws Exception {
        InteractionEvent e = (InteractionEvent) JsonLines.parse("{\"kind\":\"interaction\",\"event_id\":\"e\","
                + "\"occurred_at\":0,\"channel\":\"fax\",\"customer_id\":\"c\",\"conversation_id\":\"v\","
                + "\"type\":\"telepathy\"}", 1);
        assertThat(e.getChannel()).isEqualTo(Channel.OTHER);
        assertThat(e.getType()).isEqualTo(InteractionType.OTHER);
        assertThatThrownBy(() -> JsonLines.parse("{\"kind\":\"survey\",\"response_id\":\"r\",\"occurred_at\":0,"
                + "\"channel\":\"chat\",\"customer_id\":\"c\",\"survey\":\"ces2\",\"score\":1}", 7))
                .hasMessageStartingWith("line 7: survey \"ces2\" is not one of");
    }

    @Test
    void badValuesPassThroughUnchangedForTheJobToReject() throws Exception {
        SurveyResponse s = (SurveyResponse) JsonLines.parse("{\"kind\":\"survey\",\"response_id\":\"\","
                + "\"occurred_at\":\"2999-01-01T00:00:00Z\",\"channel\":\"chat\",\"customer_id\":\"c\","
                + "\"survey\":\"NPS\",\"score\":42}", 1);
        assertThat(s.getResponseId()).isEmpty();
        assertThat(s.getScore()).isEqualTo(42);
        assertThat(s.getOccurredAt()).isEqualTo(Instant.parse("2999-01-01T00:00:00Z"));
    }

    @Test
    void typeErrorsNameTheLineAndField() throws Exception {
        Path file = dir.resolve("mixed.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"kind\":\"survey\",\"response_id\":\"r\",\"occurred_at\":0,\"channel\":\"chat\",\"customer_id\":\"c\",\"survey\":\"nps\",\"score\":9}",
                "{\"kind\":\"survey\",\"response_id\":7,\"occurred_at\":0,\"channel\":\"chat\",\"customer_id\":\"c\",\"survey\":\"nps\",\"score\":9}",
                "not json",
                "",
                "{\"kind\":\"interaction\",\"event_id\":\"e\",\"occurred_at\":\"yesterday\",\"channel\":\"chat\",\"customer_id\":\"c\",\"conversation_id\":\"v\",\"type\":\"other\"}",
                "{\"kind\":\"survey\",\"response_id\":\"r\",\"occurred_at\":0,\"channel\":\"chat\",\"customer_id\":\"c\",\"survey\":\"nps\",\"score\":9.5}",
                "{\"kind\":\"order\"}"));
        List<SpecificRecord> records = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        JsonLines.read(file, new JsonLines.Handler() {
            @Override
            public void record(SpecificRecord record) {
                records.add(record);
            }

            @Override
            public void badLine(JsonLines.LineException e) {
                errors.add(e.getMessage());
            }
        });
        assertThat(records).hasSize(1);
        assertThat(errors).containsExactly(
                "line 2: response_id must be a string",
                "line 3: not JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))",
                "line 5: occurred_at is not an ISO-8601 instant: \"yesterday\"",
                "line 6: score must be an integer",
                "line 7: kind must be \"interaction\" or \"survey\", got \"order\"");
    }

    @Test
    void writtenFilesReadBackEqualAlsoGzipped() throws Exception {
        List<SpecificRecord> original = List.of(
                InteractionEvent.newBuilder().setEventId("e").setOccurredAt(Instant.parse("2026-11-02T10:00:00.123Z"))
                        .setChannel(Channel.SMS).setCustomerId("c").setConversationId("v")
                        .setType(InteractionType.CANCELLATION_REQUESTED).setSentiment(0.25f).build(),
                SurveyResponse.newBuilder().setResponseId("r").setOccurredAt(Instant.parse("2026-11-02T10:01:00Z"))
                        .setChannel(Channel.STORE).setTouchpoint("berlin").setCustomerId("c").setConversationId("v")
                        .setSurvey(SurveyType.CES).setScore(3).setComment("ok, \"fine\"\nthanks").build());
        Path file = dir.resolve("out.jsonl.gz");
        try (JsonLines.Out out = new JsonLines.Out(file)) {
            original.forEach(out);
        }
        assertThat(JsonLinesFiles.readAll(file)).isEqualTo(original);
    }

    @Test
    void absentOptionalFieldsAreNullOrEmptyAndOffsetsAreConverted() throws Exception {
        InteractionEvent e = (InteractionEvent) JsonLines.parse("{\"kind\":\"interaction\",\"event_id\":\"e\","
                + "\"occurred_at\":\"2017-10-31T23:10:47+01:00\",\"channel\":\"pHoNe\",\"customer_id\":\"c\","
                + "\"conversation_id\":\"v\",\"type\":\"Conversation_Opened\",\"touchpoint\":null}", 1);
        assertThat(e.getOccurredAt()).isEqualTo(Instant.parse("2017-10-31T22:10:47Z"));
        assertThat(e.getChannel()).isEqualTo(Channel.PHONE);
        assertThat(e.getType()).isEqualTo(InteractionType.CONVERSATION_OPENED);
        assertThat(e.getTouchpoint()).isNull();
        assertThat(e.getAgentId()).isNull();
        assertThat(e.getSentiment()).isNull();
        assertThat(e.getAttributes()).isEmpty();
    }

    @Test
    void invalidInteractionValuesAlsoPassThrough() throws Exception {
        String touchpoint = "t".repeat(100);
        InteractionEvent e = (InteractionEvent) JsonLines.parse("{\"kind\":\"interaction\",\"event_id\":\"\","
                + "\"occurred_at\":-5,\"channel\":\"chat\",\"customer_id\":\"\",\"conversation_id\":\"v\","
                + "\"type\":\"customer_message\",\"sentiment\":3.5,\"touchpoint\":\"" + touchpoint + "\"}", 1);
        assertThat(e.getEventId()).isEmpty();
        assertThat(e.getCustomerId()).isEmpty();
        assertThat(e.getOccurredAt()).isEqualTo(Instant.ofEpochMilli(-5));
        assertThat(e.getSentiment()).isEqualTo(3.5f);
        assertThat(e.getTouchpoint()).isEqualTo(touchpoint);
    }

    @Test
    void wrongTypesMissingFieldsAndTrailingTextAreLineErrors() {
        String head = "{\"kind\":\"interaction\",\"event_id\":\"e\",\"occurred_at\":0,\"conversation_id\":\"v\","
                + "\"type\":\"other\"";
        assertThatThrownBy(() -> JsonLines.parse(head + ",\"channel\":3,\"customer_id\":\"c\"}", 4))
                .hasMessage("line 4: channel must be a string");
        assertThatThrownBy(() -> JsonLines.parse(head + ",\"channel\":\"chat\"}", 5))
                .hasMessage("line 5: customer_id is missing");
        assertThatThrownBy(() -> JsonLines.parse(head + ",\"channel\":\"chat\",\"customer_id\":\"c\","
                + "\"sentiment\":\"sad\"}", 6))
                .hasMessage("line 6: sentiment must be a number or null");
        assertThatThrownBy(() -> JsonLines.parse(head + ",\"channel\":\"chat\",\"customer_id\":\"c\","
                + "\"attributes\":{\"queue\":1}}", 7))
                .hasMessage("line 7: attributes.queue must be a string");
        assertThatThrownBy(() -> JsonLines.parse(head + ",\"channel\":\"chat\",\"customer_id\":\"c\"} {}", 8))
                .hasMessageStartingWith("line 8: not JSON");
        assertThatThrownBy(() -> JsonLines.parse("[1,2]", 9)).hasMessage("line 9: not a JSON object");
    }

    @Test
    void writeProducesOneObjectPerLineWithIsoInstantsAndLowerCaseEnums() throws Exception {
        Path file = dir.resolve("plain.jsonl");
        long n = JsonLines.write(file, List.of(SurveyResponse.newBuilder().setResponseId("r-1")
                .setOccurredAt(Instant.parse("2026-11-02T10:01:00.250Z")).setChannel(Channel.EMAIL)
                .setCustomerId("c-1").setSurvey(SurveyType.NPS).setScore(6).build()).iterator());
        assertThat(n).isEqualTo(1);
        assertThat(Files.readAllLines(file)).containsExactly("{\"kind\":\"survey\",\"response_id\":\"r-1\","
                + "\"occurred_at\":\"2026-11-02T10:01:00.250Z\",\"channel\":\"email\",\"customer_id\":\"c-1\","
                + "\"survey\":\"nps\",\"score\":6}");
    }

    @Test
    void aByteOrderMarkOnTheFirstLineIsIgnored() throws Exception {
        Path file = dir.resolve("bom.jsonl");
        Files.writeString(file, "\uFEFF{\"kind\":\"survey\",\"response_id\":\"r\",\"occurred_at\":0,"
                + "\"channel\":\"web\",\"customer_id\":\"c\",\"survey\":\"csat\",\"score\":4}\n");
        List<SpecificRecord> records = JsonLinesFiles.readAll(file);
        assertThat(records).hasSize(1);
        assertThat(((SurveyResponse) records.get(0)).getSurvey()).isEqualTo(SurveyType.CSAT);
    }
}
