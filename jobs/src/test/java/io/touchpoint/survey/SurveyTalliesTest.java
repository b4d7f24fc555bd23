package io.touchpoint.survey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SurveyTalliesTest {

    private static ScorePane pane(int... scores) {
        ScorePane pane = new ScorePane();
        for (int s : scores) {
            pane.add(s);
        }
        return pane;
    }

    @Test
    void npsOfFivePromotersThreePassivesTwoDetractors() {
        NpsTally nps = NpsTally.of(pane(10, 10, 9, 9, 9, 8, 7, 7, 6, 0));

        assertThat(nps.responses()).isEqualTo(10);
        assertThat(nps.promoters()).isEqualTo(5);
        assertThat(nps.passives()).isEqualTo(3);
        assertThat(nps.detractors()).isEqualTo(2);
        // 100 * (5 - 2) / 10
        assertThat(nps.nps()).isEqualTo(30.0);
        // n' = 13, p' = 5.75/13 = 0.442308, d' = 2.75/13 = 0.211538, p' - d' = 3/13 = 0.230769
        // half-width = 1.96 * sqrt((8.5/13 - 9/169) / 13) = 1.96 * 0.214940 = 0.421283
        assertThat(nps.ci95Low()).isCloseTo(-19.0514, within(1e-4));
        assertThat(nps.ci95High()).isCloseTo(65.2052, within(1e-4));
    }

    @Test
    void intervalOfASingleDetractorIsExact() {
        // n' = 4, p' = 0.1875, d' = 0.4375, p' - d' = -0.25; sqrt((0.625 - 0.0625) / 4) = 0.375; 1.96 * 0.375 = 0.735
        NpsTally nps = NpsTally.of(pane(3));
        assertThat(nps.nps()).isEqualTo(-100.0);
        assertThat(nps.ci95Low()).isCloseTo(-98.5, within(1e-9));
        assertThat(nps.ci95High()).isCloseTo(48.5, within(1e-9));
    }

    @Test
    void intervalIsClampedToPlusMinusHundred() {
        // ten promoters: p' = 10.75/13, d' = 0.75/13, upper bound 100 * (10/13 + 0.2942) > 100
        NpsTally nps = NpsTally.of(pane(10, 10, 10, 10, 10, 9, 9, 9, 9, 9));
        assertThat(nps.ci95High()).isEqualTo(100.0);
        assertThat(nps.ci95Low()).isCloseTo(47.5030, within(1e-4));
    }

    @Test
    void csatCountsFoursAndFivesAsSatisfied() {
        CsatTally csat = CsatTally.of(pane(5, 4, 4, 3, 1, 2, 5, 5));
        assertThat(csat.responses()).isEqualTo(8);
        assertThat(csat.satisfied()).isEqualTo(5);
        assertThat(csat.csat()).isEqualTo(62.5);
    }

    @Test
    void cesIsTheMeanScore() {
        CesTally ces = CesTally.of(pane(1, 2, 7, 4, 4));
        assertThat(ces.responses()).isEqualTo(5);
        assertThat(ces.mean()).isEqualTo(3.6);
    }
}
