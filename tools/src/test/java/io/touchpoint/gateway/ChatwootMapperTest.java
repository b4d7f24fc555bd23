package io.touchpoint.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each row of docs/chatwoot.md, on the payloads of one whole web-chat conversation. */
class ChatwootMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-02T10:00:05Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-02T11:00:00Z");
    private static final ChatwootPayloads CHAT = new ChatwootPayloads("Channel::WebWidget");

    private static ChatwootMapper.Mapped map(String payload) throws Exception {
        return ChatwootMapper.map(JSON.readTree(payload), RECEIVED);
    }

    private static InteractionEvent event(String payload) throws Exception {
        ChatwootMapper.Mapped mapped = map(payload);
        assertThat(mapped.isIgnored()).as(mapped.ignoredBecause()).isFalse();
        assertThat(mapped.records()).hasSize(1);
        return (InteractionEvent) mapped.records().get(0);
    }

    @Test
    void conversationCreatedOpensTheConversationAtItsCreationTime() throws Exception {
        InteractionEvent e = event(CHAT.conversationCreated(T));
        assertThat(e.getType()).isEqualTo(InteractionType.CONVERSATION_OPENED);
        assertThat(e.getEventId()).isEqualTo("chatwoot:conversation_created:1042");
        assertThat(e.getOccurredAt()).isEqualTo(T);
        assertThat(e.getChannel()).isEqualTo(Channel.CHAT);
        assertThat(e.getConversationId()).isEqualTo("chatwoot:conversation:1042");
        assertThat(e.getCustomerId()).isEqualTo("chatwoot:contact:77");
        assertThat(e.getAgentId()).isNull();
        // conversation payloads name the inbox by id only
        assertThat(e.getTouchpoint()).isNull();
        assertThat(e.getAttributes()).isEqualTo(Map.of("source", "chatwoot", "chatwoot_inbox_id", "3"));
    }

    @Test
    void anIncomingMessageIsTheCustomers() throws Exception {
        InteractionEvent e = event(CHAT.message(5001, "incoming", false, ChatwootPayloads.contact(), T.plusSeconds(10), T));
        assertThat(e.getType()).isEqualTo(InteractionType.CUSTOMER_MESSAGE);
        assertThat(e.getEventId()).isEqualTo("chatwoot:message_created:5001");
        assertThat(e.getOccurredAt()).isEqualTo(T.plusSeconds(10));
        assertThat(e.getTouchpoint()).isEqualTo("Website chat");
        assertThat(e.getCustomerId()).isEqualTo("chatwoot:contact:77");
        assertThat(e.getConversationId()).isEqualTo("chatwoot:conversation:1042");
        assertThat(e.getAgentId()).isNull();
        assertThat(e.getAttributes()).containsEntry("chatwoot_message_id", "5001");
    }

    @Test
    void anOutgoingMessageOfAnAgentBotIsABotMessage() throws Exception {
        InteractionEvent e = event(CHAT.message(5002, "outgoing", false, ChatwootPayloads.bot(), T.plusSeconds(20), T));
        assertThat(e.getType()).isEqualTo(InteractionType.BOT_MESSAGE);
        assertThat(e.getAgentId()).isNull();
    }

    @Test
    void anOutgoingMessageOfAnAgentIsAnAgentMessageWithTheAgent() throws Exception {
        InteractionEvent e = event(CHAT.message(5003, "outgoing", false, ChatwootPayloads.agent(), T.plusSeconds(95), T));
        assertThat(e.getType()).isEqualTo(InteractionType.AGENT_MESSAGE);
        assertThat(e.getAgentId()).isEqualTo("chatwoot:user:5");
        assertThat(e.getOccurredAt()).isEqualTo(T.plusSeconds(95));
    }

    @Test
    void automationAndChatwootsOwnMessagesAreBotMessages() throws Exception {
        // an automation rule's message has no sender
        assertThat(event(CHAT.message(5010, "outgoing", false, "null", T, T)).getType())
                .isEqualTo(InteractionType.BOT_MESSAGE);
        // template messages (the e-mail collect form, the CSAT question) are sent by Chatwoot itself
        assertThat(event(CHAT.message(5011, "template", false, "null", T, T)).getType())
                .isEqualTo(InteractionType.BOT_MESSAGE);
        // "send message" of an automation rule run under an agent's name is still automation
        String byRule = CHAT.message(5012, "outgoing", false, ChatwootPayloads.agent(), T, T)
                .replace("\"content_attributes\": {}", "\"content_attributes\": {\"automation_rule_id\": 9}");
        assertThat(event(byRule).getType()).isEqualTo(InteractionType.BOT_MESSAGE);
    }

    @Test
    void aPrivateNoteIsAnInternalNote() throws Exception {
        InteractionEvent e = event(CHAT.message(5004, "outgoing", true, ChatwootPayloads.agent(), T.plusSeconds(100), T));
        assertThat(e.getType()).isEqualTo(InteractionType.INTERNAL_NOTE);
        assertThat(e.getAgentId()).isEqualTo("chatwoot:user:5");
    }

    @Test
    void resolvedThenOpenAgainIsAResolutionThenAReopening() throws Exception {
        Instant resolvedAt = T.plusMillis(130_250);
        InteractionEvent resolved = event(CHAT.statusChanged(T, "open", "resolved", resolvedAt));
        assertThat(resolved.getType()).isEqualTo(InteractionType.CONVERSATION_RESOLVED);
        assertThat(resolved.getOccurredAt()).isEqualTo(resolvedAt);
        assertThat(resolved.getEventId())
                .isEqualTo("chatwoot:conversation_status_changed:1042:resolved:" + resolvedAt.toEpochMilli());

        InteractionEvent reopened = event(CHAT.statusChanged(T, "resolved", "open", T.plusSeconds(180)));
        assertThat(reopened.getType()).isEqualTo(InteractionType.CONVERSATION_REOPENED);
        assertThat(reopened.getOccurredAt()).isEqualTo(T.plusSeconds(180));
        assertThat(reopened.getEventId())
                .isEqualTo("chatwoot:conversation_status_changed:1042:open:" + T.plusSeconds(180).toEpochMilli());
    }

    @Test
    void otherStatusChangesAreIgnored() throws Exception {
        // a bot hands over to agents (pending -> open), an agent snoozes: neither opens nor closes a cycle
        assertThat(map(CHAT.statusChanged(T, "pending", "open", T.plusSeconds(60))).isIgnored()).isTrue();
        assertThat(map(CHAT.statusChanged(T, "open", "snoozed", T.plusSeconds(60))).isIgnored()).isTrue();
        assertThat(map(CHAT.statusChanged(T, "snoozed", "open", T.plusSeconds(90))).isIgnored()).isTrue();
    }

    @Test
    void aCsatAnswerIsACsatSurveyResponseAtTheTimeItWasGiven() throws Exception {
        Instant answeredAt = T.plusMillis(200_500);
        ChatwootMapper.Mapped mapped = map(CHAT.csatAnswered(5006, 4, "quick and kind", T.plusSeconds(131), answeredAt, T));
        assertThat(mapped.records()).hasSize(1);
        SurveyResponse s = (SurveyResponse) mapped.records().get(0);
        assertThat(s.getSurvey()).isEqualTo(SurveyType.CSAT);
        assertThat(s.getScore()).isEqualTo(4);
        assertThat(s.getResponseId()).isEqualTo("chatwoot:csat:5006");
        assertThat(s.getOccurredAt()).isEqualTo(answeredAt);
        assertThat(s.getChannel()).isEqualTo(Channel.CHAT);
        assertThat(s.getTouchpoint()).isEqualTo("Website chat");
        assertThat(s.getCustomerId()).isEqualTo("chatwoot:contact:77");
        assertThat(s.getConversationId()).isEqualTo("chatwoot:conversation:1042");
        assertThat(s.getComment()).isEqualTo("quick and kind");

        SurveyResponse noComment = (SurveyResponse) map(CHAT.csatAnswered(5007, 2, "", T, answeredAt, T)).records().get(0);
        assertThat(noComment.getComment()).isNull();
        assertThat(noComment.getScore()).isEqualTo(2);
    }

    @Test
    void aWebhookDeliveredTwiceMapsToTheSameIds() throws Exception {
        for (String payload : new String[] {
                CHAT.conversationCreated(T),
                CHAT.message(5003, "outgoing", false, ChatwootPayloads.agent(), T.plusSeconds(95), T),
                CHAT.statusChanged(T, "open", "resolved", T.plusMillis(130_250)),
                CHAT.csatAnswered(5006, 4, "", T, T.plusSeconds(200), T)}) {
            assertThat(map(payload).records()).isEqualTo(map(payload).records());
        }
        // a later CSAT delivery without an update time falls back to the arrival time but keeps the id
        JsonNode withoutTime = JSON.readTree(CHAT.csatAnswered(5006, 4, "", T, T.plusSeconds(200), T));
        ((com.fasterxml.jackson.databind.node.ObjectNode) withoutTime.get("conversation")).remove("updated_at");
        SurveyResponse late = (SurveyResponse) ChatwootMapper.map(withoutTime, RECEIVED).records().get(0);
        assertThat(late.getResponseId()).isEqualTo("chatwoot:csat:5006");
        assertThat(late.getOccurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void eventsThatCarryNothingForTheMonitorAreIgnoredWithAReason() throws Exception {
        ChatwootMapper.Mapped updated = map(CHAT.conversationUpdated(T, T.plusSeconds(30)));
        assertThat(updated.isIgnored()).isTrue();
        assertThat(updated.records()).isEmpty();
        assertThat(updated.ignoredBecause()).isEqualTo("event conversation_updated carries nothing the monitor measures");
        assertThat(map(CHAT.message(5020, "activity", false, "null", T, T)).isIgnored()).isTrue();
        // a message edited or marked read is not a survey answer
        assertThat(map(CHAT.message(5003, "outgoing", false, ChatwootPayloads.agent(), T, T)
                .replace("\"message_created\"", "\"message_updated\"")).isIgnored()).isTrue();
        assertThat(map("{\"event\": \"contact_created\", \"id\": 77, \"name\": \"Ana Ruiz\"}").isIgnored()).isTrue();
        assertThat(map("{\"event\": \"webwidget_triggered\", \"id\": 310}").isIgnored()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "Channel::WebWidget, CHAT", "Channel::Email, EMAIL", "Channel::Sms, SMS", "Channel::TwilioSms, SMS",
        "Channel::Whatsapp, APP", "Channel::Telegram, APP", "Channel::Line, APP", "Channel::FacebookPage, SOCIAL",
        "Channel::TwitterProfile, SOCIAL", "Channel::Instagram, SOCIAL", "Channel::Api, OTHER",
        "Channel::SomethingNew, OTHER"})
    void theInboxChannelTypeGivesTheChannel(String channelType, Channel expected) throws Exception {
        assertThat(event(new ChatwootPayloads(channelType).conversationCreated(T)).getChannel()).isEqualTo(expected);
    }

    @Test
    void timesInEveryFormChatwootWrites() throws Exception {
        assertThat(ChatwootMapper.time(JSON.readTree("{\"t\": \"2020-03-03 13:05:57 UTC\"}"), "t", null))
                .isEqualTo(Instant.parse("2020-03-03T13:05:57Z"));
        assertThat(ChatwootMapper.time(JSON.readTree("{\"t\": \"2021-07-23T23:32:48.000+05:30\"}"), "t", null))
                .isEqualTo(Instant.parse("2021-07-23T18:02:48Z"));
        assertThat(ChatwootMapper.time(JSON.readTree("{\"t\": 1627063369.5}"), "t", null))
                .isEqualTo(Instant.ofEpochMilli(1_627_063_369_500L));
        assertThat(ChatwootMapper.time(JSON.readTree("{\"u\": null, \"t\": 1627063369}"), "u", "t"))
                .isEqualTo(Instant.ofEpochSecond(1_627_063_369L));
    }

    @Test
    void payloadsLackingWhatTheirEventNeedsAreRefused() {
        assertThatThrownBy(() -> map("{\"id\": 1}")).isInstanceOf(ChatwootMapper.InvalidPayload.class)
                .hasMessage("no \"event\" in the payload");
        assertThatThrownBy(() -> map(CHAT.csatAnswered(5006, 4, "", T, T, T).replace("\"rating\": 4", "\"rating\": \"four\"")))
                .isInstanceOf(ChatwootMapper.InvalidPayload.class)
                .hasMessage("csat_survey_response.rating must be an integer, got \"four\"");
        assertThatThrownBy(() -> map("{\"event\": \"message_created\", \"id\": 9, \"message_type\": \"incoming\"}"))
                .isInstanceOf(ChatwootMapper.InvalidPayload.class).hasMessage("no conversation in the payload");
        assertThatThrownBy(() -> map("{\"event\": \"conversation_created\", \"id\": 9, \"created_at\": 1}"))
                .isInstanceOf(ChatwootMapper.InvalidPayload.class)
                .hasMessage("conversation 9 names no contact (meta.sender.id or contact_inbox.contact_id)");
    }
}
