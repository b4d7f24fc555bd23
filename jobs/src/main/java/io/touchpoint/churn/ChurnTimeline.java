package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The one rule by which a customer's churn inputs are applied (SPEC §4.6 in event time): in event-time order, inputs
 * of the same instant by kind, channel and touchpoint; before each input, and at the instant advanced to, the
 * customer is dropped if 90 days have passed since their last event. The level is evaluated at every input worth
 * points. The changes are a function of the starting state, the inputs and the instant alone, so replaying the same
 * inputs from the same state gives the same changes whatever order they arrived in.
 */
final class ChurnTimeline {

    static final long REPEAT_WINDOW_MILLIS = Duration.ofDays(7).toMillis();
    static final long RETENTION_MILLIS = Duration.ofDays(90).toMillis();
    /** The third conversation opened within 7 days is the first to count (SPEC §4.6). */
    static final int REPEAT_FROM = 3;

    /** Order of application. */
    static final Comparator<ChurnInput> ORDER = Comparator.comparingLong((ChurnInput i) -> i.at)
            .thenComparing(i -> i.signal == null ? "" : i.signal.name())
            .thenComparing(i -> i.channel)
            .thenComparing(i -> i.touchpoint, Comparator.nullsFirst(Comparator.naturalOrder()));

    private static final ChurnPoints.Signal[] SIGNALS = ChurnPoints.Signal.values();

    private final ChurnPoints points;

    ChurnTimeline(ChurnPoints points) {
        this.points = points;
    }

    /**
     * Applies {@code inputs} (in {@link #ORDER}, none before the state's last event) to {@code s} and advances it to
     * {@code upTo}, returning the level changes in time order. A drop after the last input and after
     * {@code dataUntil} lies beyond the data of a bounded run that ended: the state is cleared without a change.
     */
    List<LevelChange> advance(String customer, ChurnState s, List<ChurnInput> inputs, long upTo, long dataUntil) {
        List<LevelChange> changes = new ArrayList<>();
        for (ChurnInput input : inputs) {
            dropIfDue(customer, s, input.at, Long.MAX_VALUE, changes);
            apply(customer, s, input, changes);
        }
        dropIfDue(customer, s, upTo, dataUntil, changes);
        return changes;
    }

    /** Whether the customer is due to be dropped by {@code upTo}. */
    static boolean dropDue(ChurnState s, long upTo) {
        return s.tracked() && upTo >= s.lastEvent + RETENTION_MILLIS;
    }

    private void dropIfDue(String customer, ChurnState s, long now, long dataUntil, List<LevelChange> changes) {
        if (!dropDue(s, now)) {
            return;
        }
        long at = s.lastEvent + RETENTION_MILLIS;
        if (s.level != RiskLevel.LOW && at <= dataUntil) {
            changes.add(change(customer, s, RiskLevel.LOW, at, s.levelChannel, s.levelTouchpoint));
        }
        s.clear();
    }

    private void apply(String customer, ChurnState s, ChurnInput input, List<LevelChange> changes) {
        prune(s, input.at);
        s.lastEvent = Math.max(s.lastEvent, input.at);
        ChurnPoints.Signal signal = input.signal;
        if (input.isOpening()) {
            s.addOpening(input.at);
            if (s.openingsSince(input.at - REPEAT_WINDOW_MILLIS) < REPEAT_FROM) {
                return;
            }
            signal = ChurnPoints.Signal.REPEAT_CONTACT;
        }
        s.addSignal(signal, input.at);
        RiskLevel level = score(s).level(input.at, points.halfLifeMillis());
        if (level != s.level) {
            changes.add(change(customer, s, level, input.at, input.channel, input.touchpoint));
        }
    }

    /** Drops the signals no longer worth {@link ChurnScore#NEGLIGIBLE} and the openings older than 7 days. */
    private void prune(ChurnState s, long now) {
        int kept = 0;
        long[] events = s.events;
        for (long e : events) {
            int kind = ChurnState.kindOf(e);
            long at = ChurnState.timeOf(e);
            boolean keep = kind == ChurnState.OPENING ? at > now - REPEAT_WINDOW_MILLIS
                    : Math.abs(ChurnScore.decayed(points.of(signal(kind)), at, now, points.halfLifeMillis()))
                            >= ChurnScore.NEGLIGIBLE;
            if (keep) {
                events[kept++] = e;
            }
        }
        if (kept < events.length) {
            s.events = Arrays.copyOf(events, kept);
        }
    }

    /** The score of the state's signals. */
    ChurnScore score(ChurnState s) {
        ChurnScore score = new ChurnScore();
        for (long e : s.events) {
            int kind = ChurnState.kindOf(e);
            if (kind != ChurnState.OPENING) {
                ChurnPoints.Signal signal = signal(kind);
                score.add(signal.label(), points.of(signal), ChurnState.timeOf(e));
            }
        }
        return score;
    }

    private static ChurnPoints.Signal signal(int kind) {
        return SIGNALS[kind];
    }

    /** The change of {@code s} to {@code level} at {@code at}, attributed to the channel given; updates the state. */
    LevelChange change(String customer, ChurnState s, RiskLevel level, long at, String channel, String touchpoint) {
        ChurnScore score = score(s);
        LevelChange c = new LevelChange();
        c.customerId = customer;
        c.at = at;
        c.score = score.score(at, points.halfLifeMillis());
        c.level = level;
        c.previousLevel = s.level;
        c.channel = channel;
        c.touchpoint = touchpoint;
        c.previousChannel = s.level == RiskLevel.LOW ? null : s.levelChannel;
        List<ChurnScore.Reason> reasons = score.reasons(at, points.halfLifeMillis());
        c.reasonSignals = new String[reasons.size()];
        c.reasonPoints = new double[reasons.size()];
        c.reasonTimes = new long[reasons.size()];
        for (int i = 0; i < reasons.size(); i++) {
            c.reasonSignals[i] = reasons.get(i).signal();
            c.reasonPoints[i] = reasons.get(i).points();
            c.reasonTimes[i] = reasons.get(i).at();
        }
        s.setLevel(level, channel, touchpoint);
        return c;
    }
}
