package io.touchpoint.survey;

/** CSAT of a set of 1-5 answers (SPEC §4.2): satisfied = 4 or 5, csat = 100 * satisfied / responses. */
public record CsatTally(long responses, long satisfied) {

    public static CsatTally of(ScorePane pane) {
        long responses = 0;
        for (int score = 1; score <= 5; score++) {
            responses += pane.counts[score];
        }
        return new CsatTally(responses, pane.counts[4] + pane.counts[5]);
    }

    public double csat() {
        return 100.0 * satisfied / responses;
    }
}
