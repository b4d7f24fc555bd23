package io.touchpoint.survey;

/** Customer effort of a set of 1-7 answers (SPEC §4.2): the mean score. */
public record CesTally(long responses, long scoreSum) {

    public static CesTally of(ScorePane pane) {
        long responses = 0;
        long sum = 0;
        for (int score = 1; score <= 7; score++) {
            responses += pane.counts[score];
            sum += score * pane.counts[score];
        }
        return new CesTally(responses, sum);
    }

    public double mean() {
        return (double) scoreSum / responses;
    }
}
