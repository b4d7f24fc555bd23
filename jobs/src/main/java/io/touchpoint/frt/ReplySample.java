package io.touchpoint.frt;

/** One first response: the channel the clock is attributed to, when it stopped and how long it ran. */
public class ReplySample {
    public String channel;
    public long at;
    public double seconds;
    public boolean withinSla;
    public long slaTargetSeconds;

    public ReplySample() {}

    public ReplySample(String channel, long at, double seconds, boolean withinSla, long slaTargetSeconds) {
        this.channel = channel;
        this.at = at;
        this.seconds = seconds;
        this.withinSla = withinSla;
        this.slaTargetSeconds = slaTargetSeconds;
    }
}
