package io.touchpoint.ingest;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;

/**
 * A validated interaction event as the metrics see it: the decoded Avro record reduced to what they use, with the
 * touchpoint already normalised (lower case, {@code unknown} for null). Public fields keep it a Flink POJO.
 */
public class Interaction {
    public String eventId;
    public long occurredAt;
    public Channel channel;
    public String touchpoint;
    public String customerId;
    public String conversationId;
    public InteractionType type;
    public String agentId;
    /** NaN when the event carries none. */
    public float sentiment = Float.NaN;

    public Interaction() {}

    /** A copy with every field (the strings shared: they are immutable). */
    public Interaction copy() {
        Interaction c = new Interaction();
        c.eventId = eventId;
        c.occurredAt = occurredAt;
        c.channel = channel;
        c.touchpoint = touchpoint;
        c.customerId = customerId;
        c.conversationId = conversationId;
        c.type = type;
        c.agentId = agentId;
        c.sentiment = sentiment;
        return c;
    }

    @Override
    public String toString() {
        return "Interaction{" + eventId + ' ' + type + ' ' + channel + '/' + touchpoint + " conv=" + conversationId
                + " at=" + occurredAt + '}';
    }
}
