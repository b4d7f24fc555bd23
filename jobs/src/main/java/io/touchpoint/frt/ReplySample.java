package io.touchpoint.frt;

import java.io.Serializable;
import java.util.Objects;

/**
 * One first response: a clock that an agent's reply stopped. Attributed to the channel and touchpoint of the event
 * that started the clock. A Flink POJO (public fields, no-arg constructor).
 */
public class ReplySample implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The channel as its tag value, lower case ({@code chat}): the FRT windows are keyed by it. */
    public String channel;
    public String touchpoint;
    public String customerId;
    public String conversationId;
    /** When the clock started (epoch ms). */
    public long start;
    /** When the agent's reply stopped it (epoch ms); the sample belongs to the window holding this instant. */
    public long stop;
    /** Business-hours seconds under the channel's calendar, else wall-clock seconds. */
    public double frtSeconds;
    public long slaTargetSeconds;
    /** {@code frtSeconds <= slaTargetSeconds}. */
    public boolean withinSla;
    /**
     * This sample no longer holds: a late event rebuilt the conversation's clock and it was not measured again.
     * The windows take it out of the minute of {@link #stop}.
     */
    public boolean retracted;

    public ReplySample() {}

    /** The same sample, marked as taken back. */
    public ReplySample retraction() {
        ReplySample r = new ReplySample();
        r.channel = channel;
        r.touchpoint = touchpoint;
        r.customerId = customerId;
        r.conversationId = conversationId;
        r.start = start;
        r.stop = stop;
        r.frtSeconds = frtSeconds;
        r.slaTargetSeconds = slaTargetSeconds;
        r.withinSla = withinSla;
        r.retracted = true;
        return r;
    }

    /** Equal measurements, whether or not taken back. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ReplySample r && start == r.start && stop == r.stop && frtSeconds == r.frtSeconds
                && slaTargetSeconds == r.slaTargetSeconds && withinSla == r.withinSla
                && Objects.equals(channel, r.channel) && Objects.equals(touchpoint, r.touchpoint)
                && Objects.equals(customerId, r.customerId) && Objects.equals(conversationId, r.conversationId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conversationId, start, stop);
    }

    @Override
    public String toString() {
        return (retracted ? "retracted " : "") + "ReplySample{" + channel + '/' + touchpoint + " conv=" + conversationId + " frt=" + frtSeconds
                + "s target=" + slaTargetSeconds + "s within=" + withinSla + " stop=" + stop + '}';
    }
}
