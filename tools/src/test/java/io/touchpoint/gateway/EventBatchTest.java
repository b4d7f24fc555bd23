package io.touchpoint.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import org.junit.jupiter.api.Test;

/** The three forms of a {@code POST /v1/events} body, read as {@code replay} reads a file. */
class EventBatchTest {

    private static final String OPENED = "{\"kind\":\"interaction\",\"event_id\":\"e-1\",\"occurred_at\":"
            + "\"2026-11-02T10:00:05Z\",\"channel\":\"chat\",\"customer_id\":\"c-1\",\"conversation_id\":\"v-1\","
            + "\"type\":\"conversation_opened\"}";
    private static final String NPS = "{\"kind\":\"survey\",\"response_id\":\"r-1\",\"occurred_at\":1793613605000,"
            + "\"channel\":\"EMAIL\",\"customer_id\":\"c-1\",\"survey\":\"NPS\",\"score\":9}";
    private static final String BAD_SCORE = "{\"kind\":\"survey\",\"response_id\":\"r-2\",\"occurred_at\":1793613605000,"
            + "\"channel\":\"email\",\"customer_id\":\"c-2\",\"survey\":\"nps\",\"score\":\"nine\"}";

    @Test
    void oneObjectAlsoPrettyPrinted() {
        EventBatch one = EventBatch.parse(OPENED);
        assertThat(one.errors()).isEmpty();
        assertThat(one.records()).singleElement().isInstanceOf(InteractionEvent.class);
        EventBatch pretty = EventBatch.parse(OPENED.replace(",", ",\n    ").replace("{", "{\n    "));
        assertThat(pretty.errors()).isEmpty();
        assertThat(pretty.records()).isEqualTo(one.records());
    }

    @Test
    void anArrayInOrder() {
        EventBatch batch = EventBatch.parse("[" + OPENED + ",\n" + NPS + "]");
        assertThat(batch.errors()).isEmpty();
        assertThat(batch.records()).hasSize(2);
        assertThat(batch.records().get(0)).isInstanceOf(InteractionEvent.class);
        assertThat(((SurveyResponse) batch.records().get(1)).getScore()).isEqualTo(9);
    }

    @Test
    void oneObjectPerLineWithBlankLinesAndAByteOrderMark() {
        EventBatch batch = EventBatch.parse("\uFEFF" + OPENED + "\r\n\n" + NPS + "\n");
        assertThat(batch.errors()).isEmpty();
        assertThat(batch.records()).hasSize(2);
    }

    @Test
    void everyBadLineIsNamed() {
        EventBatch batch = EventBatch.parse(OPENED + "\n" + BAD_SCORE + "\n{\"kind\":\"order\"}\nnot json\n" + NPS);
        assertThat(batch.errors()).containsExactly(
                "line 2: score must be an integer",
                "line 3: kind must be \"interaction\" or \"survey\", got \"order\"",
                "line 4: not JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or "
                        + "token 'null', 'true' or 'false'))");
        EventBatch array = EventBatch.parse("[" + NPS + "," + BAD_SCORE + ", 7]");
        assertThat(array.errors()).containsExactly("line 2: score must be an integer", "line 3: not a JSON object");
    }

    @Test
    void anEmptyBodyOrABrokenArrayIsOneError() {
        assertThat(EventBatch.parse(" \n").errors()).containsExactly("the body is empty");
        assertThat(EventBatch.parse("[" + NPS).errors()).singleElement().asString().startsWith("not a JSON array (");
    }
}
