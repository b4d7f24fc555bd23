package io.touchpoint.churn;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.RiskLevel;
import io.touchpoint.ingest.TagValues;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything kept per customer, compact because there is one per customer of the last 90 days: the live signals and
 * the conversation openings of the last 7 days in one array, the level and where it is attributed, the time of the
 * last event. A signal's points are not stored: they are the configured points of its kind (a changed configuration
 * revalues the signals still alive after a restart).
 */
public class ChurnState {

    /** Kind of an opening in {@link #events}; signals use their ordinal. */
    static final int OPENING = 15;
    private static final long[] NONE = new long[0];
    /** Channel tag values as shared constants, so a million states do not hold a million copies of "chat". */
    private static final Map<String, String> CHANNELS = new HashMap<>();

    static {
        for (Channel c : Channel.values()) {
            String name = TagValues.channel(c);
            CHANNELS.put(name, name);
        }
    }

    /** Signals and openings, oldest first, each packed as {@code event time << 4 | kind}. */
    public long[] events = NONE;
    public RiskLevel level = RiskLevel.LOW;
    /** Channel and touchpoint of the change to the current level; null at LOW (nothing to attribute). */
    public String levelChannel;
    public String levelTouchpoint;
    /** Time of the last event; 0 while nothing is tracked (new, or dropped after 90 days). */
    public long lastEvent;

    public ChurnState() {}

    boolean tracked() {
        return lastEvent != 0;
    }

    static long pack(long at, int kind) {
        return at << 4 | kind;
    }

    static long timeOf(long event) {
        return event >> 4;
    }

    static int kindOf(long event) {
        return (int) (event & 15);
    }

    /** Adds a signal; events come in time order, so the array stays sorted. */
    public void addSignal(ChurnPoints.Signal signal, long at) {
        add(at, signal.ordinal());
    }

    public void addOpening(long at) {
        add(at, OPENING);
    }

    private void add(long at, int kind) {
        events = Arrays.copyOf(events, events.length + 1);
        events[events.length - 1] = pack(at, kind);
    }

    int openingsSince(long from) {
        int n = 0;
        for (long e : events) {
            if (kindOf(e) == OPENING && timeOf(e) > from) {
                n++;
            }
        }
        return n;
    }

    public void setLevel(RiskLevel level, String channel, String touchpoint) {
        this.level = level;
        boolean low = level == RiskLevel.LOW;
        this.levelChannel = low ? null : CHANNELS.getOrDefault(channel, channel);
        this.levelTouchpoint = low ? null : touchpoint;
    }

    void clear() {
        events = NONE;
        level = RiskLevel.LOW;
        levelChannel = null;
        levelTouchpoint = null;
        lastEvent = 0;
    }

    ChurnState copy() {
        ChurnState c = new ChurnState();
        c.events = events.length == 0 ? NONE : events.clone();
        c.level = level;
        c.levelChannel = levelChannel;
        c.levelTouchpoint = levelTouchpoint;
        c.lastEvent = lastEvent;
        return c;
    }
}
