package io.touchpoint.frt;

import java.io.Serializable;

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

    public ReplySample() {}

    @Override
    public String toString() {
        return "ReplySample{" + channel + '/' + touchpoint + " conv=" + conversationId + " frt=" + frtSeconds
                + "s target=" + slaTargetSeconds + "s within=" + withinSla + " stop=" + stop + '}';
    }
}
