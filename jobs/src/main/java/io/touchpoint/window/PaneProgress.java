package io.touchpoint.window;

/**
 * Bookkeeping of one key of a {@link MinutePaneFunction} (a Flink POJO kept as value state): which window end the
 * running sums describe, the range of retained panes, and the pending cleanup timer.
 */
public class PaneProgress {

    /** Marks an absent instant: no window end summed yet, no cleanup timer pending. */
    public static final long NONE = Long.MIN_VALUE;

    /** The end of the windows the running sums hold (the last minute timer that fired), or {@link #NONE}. */
    public long summedEnd = NONE;
    /** A lower bound of the retained pane starts: every pane before it has been removed. */
    public long oldest;
    /** The latest pane start ever added while state was kept. */
    public long newest;
    /** The cleanup timer registered once no window of the key holds data, or {@link #NONE}. */
    public long cleanupAt = NONE;

    public PaneProgress() {}

    PaneProgress(long firstPane) {
        oldest = firstPane;
        newest = firstPane;
    }
}
