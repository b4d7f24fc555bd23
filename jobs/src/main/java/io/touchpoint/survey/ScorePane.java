package io.touchpoint.survey;

/**
 * How many answers had each score 0-10 in one minute (or, merged, in a longer window). NPS, CSAT and CES are all
 * derived from this histogram, so one pane type serves every survey measurement and merging is a plain sum.
 */
public class ScorePane {
    public long[] counts = new long[11];

    public ScorePane() {}

    public void add(int score) {
        counts[score]++;
    }

    public void addAll(ScorePane other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    /** Removes {@code other}'s answers, which this pane holds (a window sliding past a minute). */
    public void subtractAll(ScorePane other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] -= other.counts[i];
        }
    }

    public long total() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }
}
