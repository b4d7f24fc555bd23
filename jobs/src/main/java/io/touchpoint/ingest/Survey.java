package io.touchpoint.ingest;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.SurveyType;

/** A validated survey response as the metrics see it (see {@link Interaction}). */
public class Survey {
    public String responseId;
    public long occurredAt;
    public Channel channel;
    public String touchpoint;
    public String customerId;
    /** Null when the response is not tied to a conversation. */
    public String conversationId;
    public SurveyType survey;
    public int score;

    public Survey() {}

    @Override
    public String toString() {
        return "Survey{" + responseId + ' ' + survey + '=' + score + ' ' + channel + '/' + touchpoint + " at="
                + occurredAt + '}';
    }
}
