package io.touchpoint.survey;

/** One survey score routed to one series (see {@link SurveySeries}). */
public class ScoreObservation {
    public String series;
    public long at;
    public int score;

    public ScoreObservation() {}

    public ScoreObservation(String series, long at, int score) {
        this.series = series;
        this.at = at;
        this.score = score;
    }
}
