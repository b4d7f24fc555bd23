package io.touchpoint.frt;

import io.touchpoint.window.MinutePartial;
import io.touchpoint.window.Minutes;

/**
 * The first-response samples of one channel and minute (of the reply's {@code stop}) from part of the stream: what
 * the FRT pre-aggregation sends to the channel's windows instead of every sample, sorted so that merging partials is
 * linear. A retraction holds the one sample it takes back. A Flink POJO.
 */
public class ReplyPartial extends MinutePartial {
    public ReplySamples samples = new ReplySamples();
    /** Takes back its single sample (see {@link ReplySample#retracted}). */
    public boolean retracted;

    public ReplyPartial() {}

    /** The partial of one sample, a retraction when the sample is one. */
    public static ReplyPartial of(ReplySample sample) {
        ReplyPartial p = new ReplyPartial();
        p.channel = sample.channel;
        p.minute = Minutes.start(sample.stop);
        p.samples.add(sample);
        p.retracted = sample.retracted;
        return p;
    }

    /** Removes this retraction's sample from {@code from}; false when {@code from} holds no equal sample. */
    boolean takeBackFrom(ReplySamples from) {
        return from.remove(samples.seconds[0], samples.withinSla > 0);
    }

    @Override
    public String toString() {
        return (retracted ? "retracted " : "") + "ReplyPartial{" + channel + " @" + minute + " n=" + samples.count
                + '}';
    }
}
