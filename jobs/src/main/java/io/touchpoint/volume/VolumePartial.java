package io.touchpoint.volume;

import io.touchpoint.window.MinutePartial;

/**
 * The interaction counts of one channel and minute from part of the stream (one subtask, or the sum of all): what
 * the volume pre-aggregation sends to the channel's window instead of every event. A Flink POJO.
 */
public class VolumePartial extends MinutePartial {
    public VolumePane counts = new VolumePane();

    public VolumePartial() {}

    @Override
    public String toString() {
        return "VolumePartial{" + channel + " @" + minute + " events=" + counts.events + '}';
    }
}
