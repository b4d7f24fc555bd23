package io.touchpoint.survey;

/**
 * A decision of the {@link TouchpointGuard}: a touchpoint of a channel admitted as a tag value, or the channel full
 * (every touchpoint not admitted by then is {@code other}). Broadcast to every {@link TouchpointTags}. A Flink POJO.
 */
public class TouchpointAdmission {
    /** The channel as its tag value ({@code chat}). */
    public String channel;
    /** The admitted touchpoint; null when the channel is full. */
    public String touchpoint;

    public TouchpointAdmission() {}

    static TouchpointAdmission admitted(String channel, String touchpoint) {
        TouchpointAdmission a = new TouchpointAdmission();
        a.channel = channel;
        a.touchpoint = touchpoint;
        return a;
    }

    static TouchpointAdmission full(String channel) {
        return admitted(channel, null);
    }

    public boolean isFull() {
        return touchpoint == null;
    }

    @Override
    public String toString() {
        return isFull() ? channel + " full" : channel + "/" + touchpoint + " admitted";
    }
}
