package io.touchpoint.gateway;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Chatwoot webhook payloads of one conversation, written after the shapes Chatwoot documents and sends
 * (conversation {@code webhook_data} with {@code meta.sender}, message {@code webhook_data} with {@code inbox},
 * {@code sender.type} "contact" / "user" / "agent_bot", {@code changed_attributes} of a status change, the
 * {@code input_csat} message's {@code submitted_values}). Conversation times are epoch seconds (fractional for
 * {@code updated_at}), message times ISO-8601, as Chatwoot serialises them.
 */
final class ChatwootPayloads {

    static final long CONVERSATION = 1042;
    static final long CONTACT = 77;
    static final long AGENT = 5;
    static final long BOT = 2;

    /** How Rails writes a time into JSON: ISO-8601 with milliseconds. */
    private static final DateTimeFormatter RAILS_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private final String channel;

    /** A conversation in an inbox "Website chat" of the given Chatwoot channel type, e.g. Channel::WebWidget. */
    ChatwootPayloads(String channel) {
        this.channel = channel;
    }

    static String contact() {
        return """
                {"id": %d, "name": "Ana Ruiz", "avatar": "", "type": "contact"}""".formatted(CONTACT);
    }

    static String agent() {
        return """
                {"id": %d, "name": "Maya Chen", "email": "maya@acme.example", "type": "user"}""".formatted(AGENT);
    }

    static String bot() {
        return """
                {"id": %d, "name": "Triage bot", "type": "agent_bot"}""".formatted(BOT);
    }

    /** The conversation object ({@code webhook_data}) as it stands at {@code updatedAt}. */
    String conversation(String status, Instant createdAt, Instant updatedAt) {
        return """
                {
                  "additional_attributes": {"browser": {"browser_name": "Firefox", "platform_name": "Linux"},
                                            "referer": "https://acme.example/pricing"},
                  "can_reply": true,
                  "channel": "%s",
                  "contact_inbox": {"id": 310, "contact_id": %d, "inbox_id": 3,
                                    "source_id": "5b3c1f2e-8a41-4d7e-9f0a-2c6d1e7b9a10", "hmac_verified": false},
                  "id": %d,
                  "inbox_id": 3,
                  "messages": [],
                  "labels": [],
                  "meta": {
                    "sender": {"additional_attributes": {}, "custom_attributes": {}, "email": "ana@example.org",
                               "id": %d, "identifier": null, "name": "Ana Ruiz", "phone_number": null,
                               "thumbnail": "", "type": "contact"},
                    "assignee": {"id": %d, "name": "Maya Chen", "available_name": "Maya Chen", "avatar_url": "",
                                 "type": "user", "availability_status": "online"},
                    "assignee_type": "User",
                    "team": null,
                    "hmac_verified": false
                  },
                  "status": "%s",
                  "custom_attributes": {},
                  "snoozed_until": null,
                  "unread_count": 0,
                  "first_reply_created_at": null,
                  "priority": null,
                  "waiting_since": 0,
                  "agent_last_seen_at": 0,
                  "contact_last_seen_at": 0,
                  "last_activity_at": %d,
                  "timestamp": %d,
                  "created_at": %d,
                  "updated_at": %s,
                  "account_id": 1
                }""".formatted(channel, CONTACT, CONVERSATION, CONTACT, AGENT, status,
                updatedAt.getEpochSecond(), updatedAt.getEpochSecond(), createdAt.getEpochSecond(),
                seconds(updatedAt));
    }

    String conversationCreated(Instant at) {
        return withEvent(conversation("open", at, at), "conversation_created", null);
    }

    String statusChanged(Instant createdAt, String previous, String current, Instant at) {
        return withEvent(conversation(current, createdAt, at), "conversation_status_changed", """
                "changed_attributes": [{"status": {"previous_value": "%s", "current_value": "%s"}}]"""
                .formatted(previous, current));
    }

    String conversationUpdated(Instant createdAt, Instant at) {
        return withEvent(conversation("open", createdAt, at), "conversation_updated", """
                "changed_attributes": [{"label_list": {"previous_value": [], "current_value": ["billing"]}}]""");
    }

    /**
     * A {@code message_created} payload.
     *
     * @param messageType incoming, outgoing, template or activity
     * @param sender a sender object, or "null" (automation rules and Chatwoot's own messages have none)
     */
    String message(long id, String messageType, boolean isPrivate, String sender, Instant createdAt,
            Instant conversationCreatedAt) {
        return message("message_created", id, messageType, "text", "{}", isPrivate, sender, createdAt,
                conversationCreatedAt, createdAt);
    }

    /** The {@code message_updated} Chatwoot sends when the customer answers the CSAT survey message. */
    String csatAnswered(long id, int rating, String feedback, Instant sentAt, Instant answeredAt,
            Instant conversationCreatedAt) {
        String attributes = """
                {"submitted_values": {"csat_survey_response": {"rating": %d, "feedback_message": "%s"}}}"""
                .formatted(rating, feedback);
        return message("message_updated", id, "template", "input_csat", attributes, false, "null", sentAt,
                conversationCreatedAt, answeredAt);
    }

    private String message(String event, long id, String messageType, String contentType, String contentAttributes,
            boolean isPrivate, String sender, Instant createdAt, Instant conversationCreatedAt,
            Instant conversationUpdatedAt) {
        return """
                {
                  "account": {"id": 1, "name": "Acme"},
                  "additional_attributes": {},
                  "content_attributes": %s,
                  "content_type": "%s",
                  "content": "message %d",
                  "conversation": %s,
                  "created_at": "%s",
                  "id": %d,
                  "inbox": {"id": 3, "name": "Website chat"},
                  "message_type": "%s",
                  "private": %s,
                  "sender": %s,
                  "source_id": null,
                  "event": "%s"
                }""".formatted(contentAttributes, contentType, id,
                conversation("open", conversationCreatedAt, conversationUpdatedAt), RAILS_TIME.format(createdAt), id,
                messageType,
                isPrivate, sender, event);
    }

    private static String withEvent(String object, String event, String extra) {
        String tail = (extra == null ? "" : ",\n  " + extra) + ",\n  \"event\": \"" + event + "\"\n}";
        return object.substring(0, object.lastIndexOf('}')).stripTrailing() + tail;
    }

    /** Epoch seconds with microseconds, as Ruby's Time#to_f gives them. */
    private static String seconds(Instant t) {
        return t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
    }
}
