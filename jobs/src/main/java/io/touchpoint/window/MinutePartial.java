package io.touchpoint.window;

/** What every partial pane says of itself: its channel and minute (see {@link PartialPanes}). A Flink POJO base. */
public abstract class MinutePartial {
    /** The channel as its tag value ({@code chat}). */
    public String channel;
    /** Start of the UTC minute. */
    public long minute;
}
