package io.touchpoint.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Publishes to a real broker and reads the topics back: encoding, keys, order and values as SPEC §2 says. */
class PublisherITCase {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();


    private static InteractionEvent event(String id, String conversation, String customer, InteractionType type,
            int minute) {
        return InteractionEvent.newBuilder().setEventId(id)
                .setOccurredAt(Instant.parse("2026-11-02T10:00:00Z").plusSeconds(60L * minute))
                .setChannel(Channel.CHAT).setTouchpoint("billing").setCustomerId(customer)
                .setConversationId(conversation).setType(type).build();
    }

    @Test
    void recordsAreSingleObjectEncodedKeyedAndInFileOrder() throws Exception {
        kafka.createTopics(3, "p1.interactions", "p1.surveys");
        InteractionEvent withEverything = event("e-2", "v-A", "c-1", InteractionType.CUSTOMER_MESSAGE, 1);
        withEverything.setSentiment(-0.25f);
        withEverything.setAgentId("a-7");
        withEverything.setAttributes(Map.of("queue", "vip"));
        List<SpecificRecord> records = List.of(
                event("e-1", "v-A", "c-1", InteractionType.CONVERSATION_OPENED, 0),
                withEverything,
                event("e-3", "v-B", "c-2", InteractionType.CONVERSATION_OPENED, 2),
                SurveyResponse.newBuilder().setResponseId("r-1").setOccurredAt(Instant.parse("2026-11-02T10:03:00Z"))
                        .setChannel(Channel.EMAIL).setCustomerId("c-1").setSurvey(SurveyType.NPS).setScore(9)
                        .setComment("quick, thanks").build(),
                event("e-4", "v-A", "c-1", InteractionType.AGENT_MESSAGE, 4),
                event("e-5", "v-B", "c-2", InteractionType.CUSTOMER_ABANDONED, 5),
                SurveyResponse.newBuilder().setResponseId("r-2").setOccurredAt(Instant.parse("2026-11-02T10:06:00Z"))
                        .setChannel(Channel.PHONE).setTouchpoint("orders").setCustomerId("c-2")
                        .setConversationId("v-B").setSurvey(SurveyType.CES).setScore(6).build());

        Map<String, Long> counts;
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "p1.interactions", "p1.surveys",
                new Properties())) {
            counts = publisher.publishAll(records.iterator());
        }
        assertThat(counts).containsExactly(Map.entry("p1.interactions", 5L), Map.entry("p1.surveys", 2L));

        List<ConsumerRecord<byte[], byte[]>> interactions = TopicReader.readAll(kafka.bootstrapServers(),
                "p1.interactions");
        Map<String, List<InteractionEvent>> byKey = new HashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : interactions) {
            // marker C3 01 of the single-object encoding
            assertThat(r.value()[0]).isEqualTo((byte) 0xC3);
            assertThat(r.value()[1]).isEqualTo((byte) 0x01);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            InteractionEvent decoded = SingleObjectCodec.interactions().decode(r.value());
            assertThat(decoded.getConversationId()).isEqualTo(key);
            assertThat(partitionOfKey.computeIfAbsent(key, k -> r.partition())).isEqualTo(r.partition());
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(decoded);
        }
        assertThat(byKey.get("v-A")).containsExactly(
                (InteractionEvent) records.get(0), withEverything, (InteractionEvent) records.get(4));
        assertThat(byKey.get("v-B")).containsExactly(
                (InteractionEvent) records.get(2), (InteractionEvent) records.get(5));
        InteractionEvent second = byKey.get("v-A").get(1);
        assertThat(second.getEventId()).isEqualTo("e-2");
        assertThat(second.getOccurredAt()).isEqualTo(Instant.parse("2026-11-02T10:01:00Z"));
        assertThat(second.getSentiment()).isEqualTo(-0.25f);
        assertThat(second.getAgentId()).isEqualTo("a-7");
        assertThat(second.getAttributes()).containsExactly(Map.entry("queue", "vip"));

        List<ConsumerRecord<byte[], byte[]>> surveys = TopicReader.readAll(kafka.bootstrapServers(), "p1.surveys");
        assertThat(surveys).hasSize(2);
        Map<String, SurveyResponse> surveyByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : surveys) {
            surveyByKey.put(new String(r.key(), StandardCharsets.UTF_8), SingleObjectCodec.surveys().decode(r.value()));
        }
        assertThat(surveyByKey).containsExactlyInAnyOrderEntriesOf(Map.of(
                "c-1", (SurveyResponse) records.get(3), "c-2", (SurveyResponse) records.get(6)));
        assertThat(surveyByKey.get("c-1").getComment()).isEqualTo("quick, thanks");
        assertThat(surveyByKey.get("c-2").getScore()).isEqualTo(6);
    }

    @Test
    void extraClientSettingsApplyAndAFailedSendIsReported() {
        // A request-size limit below the record's size: the broker is never asked, the client refuses.
        Properties extra = new Properties();
        extra.put("max.request.size", "200");
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "p2.interactions", "p2.surveys", extra)) {
            publisher.publish(SurveyResponse.newBuilder().setResponseId("r-big")
                    .setOccurredAt(Instant.parse("2026-11-02T10:00:00Z")).setChannel(Channel.WEB)
                    .setCustomerId("c-1").setSurvey(SurveyType.CSAT).setScore(2).setComment("x".repeat(1000))
                    .build());
            assertThatThrownBy(publisher::flush).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("publishing to Kafka failed: ");
        }
    }

    @Test
    void acknowledgedPublishingWritesWhatPublishWritesAndAFailureConcernsOnlyItsCall() throws Exception {
        kafka.createTopics(1, "p3.interactions", "p3.surveys", "p4.interactions", "p4.surveys");
        InteractionEvent opened = event("e-1", "v-A", "c-1", InteractionType.CONVERSATION_OPENED, 0);
        SurveyResponse answer = SurveyResponse.newBuilder().setResponseId("r-1")
                .setOccurredAt(Instant.parse("2026-11-02T10:03:00Z")).setChannel(Channel.EMAIL).setCustomerId("c-1")
                .setSurvey(SurveyType.NPS).setScore(9).build();
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "p3.interactions", "p3.surveys",
                new Properties())) {
            publisher.publishAll(List.<SpecificRecord>of(opened, answer).iterator());
        }
        Properties extra = new Properties();
        extra.put("max.request.size", "400");
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "p4.interactions", "p4.surveys", extra,
                Duration.ofSeconds(5))) {
            SurveyResponse tooBig = SurveyResponse.newBuilder(answer).setResponseId("r-big").setComment("x".repeat(1000))
                    .build();
            assertThatThrownBy(() -> publisher.publishAcknowledged(List.of(tooBig), Duration.ofSeconds(5)))
                    .isInstanceOf(ExecutionException.class);
            // the publisher goes on: the next call is acknowledged
            assertThat(publisher.publishAcknowledged(List.of(opened, answer), Duration.ofSeconds(10)))
                    .containsExactly(Map.entry("p4.interactions", 1L), Map.entry("p4.surveys", 1L));
        }
        for (String kind : List.of("interactions", "surveys")) {
            List<ConsumerRecord<byte[], byte[]>> viaPublish = TopicReader.readAll(kafka.bootstrapServers(), "p3." + kind);
            List<ConsumerRecord<byte[], byte[]>> acknowledged = TopicReader.readAll(kafka.bootstrapServers(), "p4." + kind);
            assertThat(acknowledged).hasSize(1).hasSameSizeAs(viaPublish);
            assertThat(acknowledged.get(0).key()).isEqualTo(viaPublish.get(0).key());
            assertThat(acknowledged.get(0).value()).isEqualTo(viaPublish.get(0).value());
        }
    }

    @Test
    void theDefaultTopicsAreThoseOfTheSpec() {
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), new Properties())) {
            assertThat(publisher.counts()).containsExactly(Map.entry("cx.interactions", 0L),
                    Map.entry("cx.surveys", 0L));
        }
    }
}
