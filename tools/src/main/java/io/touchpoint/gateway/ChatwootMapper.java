package io.touchpoint.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Maps one Chatwoot webhook payload to the input records of SPEC §2; the table is in {@code docs/chatwoot.md}.
 *
 * <p>Stateless: every id is derived from the payload alone, so a webhook delivered twice maps to the same
 * {@code event_id} / {@code response_id} and the job drops the second as a duplicate.
 */
public final class ChatwootMapper {

    /** What one webhook became: records to publish, or none and the reason it carries nothing for the monitor. */
    public record Mapped(List<SpecificRecord> records, String ignoredBecause) {

        static Mapped of(SpecificRecord record) {
            return new Mapped(List.of(record), null);
        }

        static Mapped ignored(String because) {
            return new Mapped(List.of(), because);
        }

        public boolean isIgnored() {
            return ignoredBecause != null;
        }
    }

    /** A payload that lacks what its event needs (answered 400, so that the sender's log shows it). */
    public static final class InvalidPayload extends Exception {
        InvalidPayload(String message) {
            super(message, null, false, false);
        }
    }

    private static final String PREFIX = "chatwoot:";
    private static final DateTimeFormatter RUBY_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private ChatwootMapper() {}

    /**
     * @param receivedAt when the webhook arrived: the time of a CSAT answer whose payload carries no update time
     */
    public static Mapped map(JsonNode payload, Instant receivedAt) throws InvalidPayload {
        if (payload == null || !payload.isObject()) {
            throw new InvalidPayload("a Chatwoot webhook is a JSON object");
        }
        String event = payload.path("event").asText("");
        return switch (event) {
            case "conversation_created" -> conversationCreated(payload);
            case "conversation_status_changed" -> statusChanged(payload);
            case "message_created" -> messageCreated(payload);
            case "message_updated" -> messageUpdated(payload, receivedAt);
            case "" -> throw new InvalidPayload("no \"event\" in the payload");
            default -> Mapped.ignored("event " + event + " carries nothing the monitor measures");
        };
    }

    private static Mapped conversationCreated(JsonNode conversation) throws InvalidPayload {
        Conversation c = Conversation.of(conversation, null);
        Instant at = time(conversation, "created_at", "timestamp");
        return Mapped.of(c.event("conversation_created:" + c.number, at, InteractionType.CONVERSATION_OPENED, null, null));
    }

    private static Mapped statusChanged(JsonNode conversation) throws InvalidPayload {
        Conversation c = Conversation.of(conversation, null);
        String status = conversation.path("status").asText("");
        String previous = null;
        for (JsonNode change : conversation.path("changed_attributes")) {
            if (change.has("status")) {
                previous = change.path("status").path("previous_value").asText(null);
            }
        }
        InteractionType type;
        if (status.equals("resolved") && !"resolved".equals(previous)) {
            type = InteractionType.CONVERSATION_RESOLVED;
        } else if (status.equals("open") && "resolved".equals(previous)) {
            type = InteractionType.CONVERSATION_REOPENED;
        } else {
            return Mapped.ignored("status " + (previous == null ? "" : previous + " -> ") + status
                    + " is neither a resolution nor a reopening");
        }
        // updated_at is the moment of the change; timestamp (last activity) is older Chatwoot's only clock
        Instant at = time(conversation, "updated_at", "timestamp");
        return Mapped.of(c.event("conversation_status_changed:" + c.number + ":" + status + ":" + at.toEpochMilli(), at,
                type, null, null));
    }

    private static Mapped messageCreated(JsonNode message) throws InvalidPayload {
        String messageType = message.path("message_type").asText("");
        if (messageType.equals("activity")) {
            return Mapped.ignored("activity messages are Chatwoot's own log lines");
        }
        Conversation c = Conversation.of(message.path("conversation"), message);
        String id = required(message, "id");
        JsonNode sender = message.path("sender");
        String senderType = sender.path("type").asText("");
        String agent = senderType.equals("user") ? PREFIX + "user:" + sender.path("id").asText() : null;
        InteractionType type;
        if (message.path("private").asBoolean(false)) {
            type = InteractionType.INTERNAL_NOTE;
        } else if (messageType.equals("incoming")) {
            type = InteractionType.CUSTOMER_MESSAGE;
        } else if (messageType.equals("outgoing") && agent != null
                && !message.path("content_attributes").has("automation_rule_id")) {
            type = InteractionType.AGENT_MESSAGE;
        } else if (messageType.equals("outgoing") || messageType.equals("template")) {
            // agent bots, automation rules, greeting and out-of-office messages, surveys sent by Chatwoot itself
            type = InteractionType.BOT_MESSAGE;
        } else {
            return Mapped.ignored("message_type " + messageType + " is not one Chatwoot documents");
        }
        Instant at = time(message, "created_at", null);
        return Mapped.of(c.event("message_created:" + id, at, type, agent, id));
    }

    private static Mapped messageUpdated(JsonNode message, Instant receivedAt) throws InvalidPayload {
        JsonNode answer = message.path("content_attributes").path("submitted_values").path("csat_survey_response");
        if (!message.path("content_type").asText("").equals("input_csat") || !answer.has("rating")) {
            return Mapped.ignored("only a submitted CSAT survey is measured among message updates");
        }
        JsonNode rating = answer.get("rating");
        if (!rating.canConvertToInt() || !rating.isIntegralNumber()) {
            throw new InvalidPayload("csat_survey_response.rating must be an integer, got " + rating);
        }
        Conversation c = Conversation.of(message.path("conversation"), message);
        String id = required(message, "id");
        // the survey message belongs to its conversation and touches it when answered: updated_at is the answer's time
        JsonNode conversation = message.path("conversation");
        Instant at = conversation.hasNonNull("updated_at") ? time(conversation, "updated_at", null) : receivedAt;
        String comment = answer.path("feedback_message").asText("");
        return Mapped.of(SurveyResponse.newBuilder()
                .setResponseId(PREFIX + "csat:" + id)
                .setOccurredAt(at)
                .setChannel(c.channel)
                .setTouchpoint(c.touchpoint)
                .setCustomerId(c.customer)
                .setConversationId(c.id)
                .setSurvey(SurveyType.CSAT)
                .setScore(rating.asInt())
                .setComment(comment.isBlank() ? null : comment)
                .build());
    }

    /** Chatwoot's inbox channel type (the conversation's {@code channel}) as our channel. */
    public static Channel channel(String channelType) {
        return switch (channelType) {
            case "Channel::WebWidget" -> Channel.CHAT;
            case "Channel::Email" -> Channel.EMAIL;
            case "Channel::Sms", "Channel::TwilioSms" -> Channel.SMS;
            case "Channel::Whatsapp", "Channel::Telegram", "Channel::Line" -> Channel.APP;
            case "Channel::FacebookPage", "Channel::TwitterProfile", "Channel::Instagram", "Channel::Tiktok" ->
                    Channel.SOCIAL;
            case "Channel::Voice" -> Channel.PHONE;
            default -> Channel.OTHER; // Channel::Api and whatever Chatwoot adds next
        };
    }

    /** What every event of one conversation shares. */
    private record Conversation(String number, String id, String customer, Channel channel, String touchpoint, String inboxId) {

        static Conversation of(JsonNode conversation, JsonNode message) throws InvalidPayload {
            if (!conversation.isObject()) {
                throw new InvalidPayload("no conversation in the payload");
            }
            String number = required(conversation, "id");
            String contact = conversation.path("meta").path("sender").path("id").asText("");
            if (contact.isEmpty()) {
                contact = conversation.path("contact_inbox").path("contact_id").asText("");
            }
            if (contact.isEmpty() && message != null && message.path("sender").path("type").asText("").equals("contact")) {
                contact = message.path("sender").path("id").asText("");
            }
            if (contact.isEmpty()) {
                throw new InvalidPayload("conversation " + conversation.get("id") + " names no contact "
                        + "(meta.sender.id or contact_inbox.contact_id)");
            }
            // only message events carry the inbox's name; conversation events name the inbox by id alone
            String touchpoint = message == null ? null : message.path("inbox").path("name").asText(null);
            String inbox = conversation.path("inbox_id").asText(null);
            return new Conversation(number, PREFIX + "conversation:" + number, PREFIX + "contact:" + contact,
                    ChatwootMapper.channel(conversation.path("channel").asText("")), touchpoint, inbox);
        }

        InteractionEvent event(String eventKey, Instant at, InteractionType type, String agent, String messageId) {
            Map<String, String> attributes = new HashMap<>();
            attributes.put("source", "chatwoot");
            if (inboxId != null) {
                attributes.put("chatwoot_inbox_id", inboxId);
            }
            if (messageId != null) {
                attributes.put("chatwoot_message_id", messageId);
            }
            return InteractionEvent.newBuilder()
                    .setEventId(PREFIX + eventKey)
                    .setOccurredAt(at)
                    .setChannel(channel)
                    .setTouchpoint(touchpoint)
                    .setCustomerId(customer)
                    .setConversationId(id)
                    .setType(type)
                    .setAgentId(agent)
                    .setAttributes(attributes)
                    .build();
        }
    }

    private static String required(JsonNode node, String key) throws InvalidPayload {
        JsonNode v = node.get(key);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new InvalidPayload("no \"" + key + "\" in the payload");
        }
        return v.asText();
    }

    /**
     * The first of {@code key}, {@code fallback} present: epoch seconds (integer or fractional, as Chatwoot writes
     * conversation times), an ISO-8601 time (message times), or {@code 2020-03-03 13:05:57 UTC} (older Chatwoot).
     */
    static Instant time(JsonNode node, String key, String fallback) throws InvalidPayload {
        JsonNode v = node.get(key);
        if ((v == null || v.isNull()) && fallback != null) {
            key = fallback;
            v = node.get(fallback);
        }
        if (v == null || v.isNull()) {
            throw new InvalidPayload("no \"" + key + "\" time in the payload");
        }
        if (v.isNumber()) {
            return Instant.ofEpochMilli(Math.round(v.asDouble() * 1000));
        }
        String text = v.asText();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return LocalDateTime.parse(text, RUBY_UTC).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new InvalidPayload(key + " is not a time: \"" + text + "\"");
            }
        }
    }
}
