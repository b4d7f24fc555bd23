package io.touchpoint.window;

/** UTC minute arithmetic on epoch milliseconds (SPEC §3: minute windows are aligned to UTC minutes). */
public final class Minutes {

    public static final long MINUTE = 60_000L;

    private Minutes() {}

    /** Start of the minute containing {@code millis}; an instant exactly on a boundary starts its minute. */
    public static long start(long millis) {
        return Math.floorDiv(millis, MINUTE) * MINUTE;
    }

    /**
     * The first minute boundary whose window has not fired yet under watermark {@code watermark}: a window ending at
     * E fires once the watermark reaches E - 1 (Flink's "max timestamp" of the window).
     */
    public static long firstUnfiredEnd(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return start(watermark + 1) + MINUTE;
    }

    /**
     * Whether an event is beyond the allowed lateness: its minute window fired (watermark reached its end - 1) more
     * than {@code allowedLateness} ago. Such events become TOO_LATE dead letters.
     */
    public static boolean tooLate(long eventTime, long watermark, long allowedLateness) {
        return watermark != Long.MIN_VALUE && start(eventTime) + MINUTE - 1 + allowedLateness <= watermark;
    }
}
