package io.touchpoint.survey;

/**
 * NPS of a set of 0-10 answers (SPEC §4.1): promoters 9-10, passives 7-8, detractors 0-6, and the adjusted-Wald
 * 95 % interval: n' = n + 3, p' = (promoters + 0.75) / n', d' = (detractors + 0.75) / n',
 * half-width = 1.96 * sqrt((p' + d' - (p' - d')^2) / n'), bounds = 100 * ((p' - d') -/+ half-width) within [-100, 100].
 */
public record NpsTally(long promoters, long passives, long detractors) {

    private static final double Z95 = 1.96;

    public static NpsTally of(ScorePane pane) {
        long detractors = 0;
        for (int score = 0; score <= 6; score++) {
            detractors += pane.counts[score];
        }
        return new NpsTally(pane.counts[9] + pane.counts[10], pane.counts[7] + pane.counts[8], detractors);
    }

    public long responses() {
        return promoters + passives + detractors;
    }

    public double nps() {
        return 100.0 * (promoters - detractors) / responses();
    }

    public double ci95Low() {
        return Math.max(-100.0, 100.0 * (adjustedDifference() - halfWidth()));
    }

    public double ci95High() {
        return Math.min(100.0, 100.0 * (adjustedDifference() + halfWidth()));
    }

    private double adjustedN() {
        return responses() + 3.0;
    }

    private double adjustedDifference() {
        return adjustedPromoters() - adjustedDetractors();
    }

    private double adjustedPromoters() {
        return (promoters + 0.75) / adjustedN();
    }

    private double adjustedDetractors() {
        return (detractors + 0.75) / adjustedN();
    }

    private double halfWidth() {
        double p = adjustedPromoters();
        double d = adjustedDetractors();
        return Z95 * Math.sqrt((p + d - (p - d) * (p - d)) / adjustedN());
    }
}
