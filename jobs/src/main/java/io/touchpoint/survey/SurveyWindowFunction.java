package io.touchpoint.survey;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinutePaneFunction;
import org.apache.flink.util.Collector;

/**
 * {@code nps}, {@code nps_touchpoint}, {@code csat} and {@code ces} (SPEC §4.1, §4.2): 1-minute tumbling and 1-hour
 * rolling windows over score histograms, keyed by series. State: see {@link MinutePaneFunction}.
 */
public class SurveyWindowFunction extends MinutePaneFunction<String, ScoreObservation, ScorePane> {

    public SurveyWindowFunction(long allowedLatenessMillis) {
        super(ScorePane.class, allowedLatenessMillis, 60);
    }

    @Override
    protected long timestampOf(ScoreObservation element) {
        return element.at;
    }

    @Override
    protected ScorePane newPane() {
        return new ScorePane();
    }

    @Override
    protected void add(ScorePane pane, ScoreObservation element) {
        pane.add(element.score);
    }

    @Override
    protected void merge(ScorePane into, ScorePane other) {
        into.addAll(other);
    }

    @Override
    protected void subtract(ScorePane from, ScorePane other) {
        from.subtractAll(other);
    }

    @Override
    protected boolean isEmpty(ScorePane pane) {
        return pane.total() == 0;
    }

    @Override
    protected void emit(String series, String window, long end, ScorePane pane, Collector<MetricPoint> out) {
        out.collect(point(series, window, end, pane));
    }

    /** The point of one series and window; public so tests and the reference computation share the field layout. */
    public static MetricPoint point(String series, String window, long end, ScorePane pane) {
        String[] parts = SurveySeries.parts(series);
        String measurement = parts[0];
        MetricPoint.Builder point = MetricPoint.builder(measurement, end).tag("channel", parts[1]).tag("window", window);
        switch (measurement) {
            case SurveySeries.NPS, SurveySeries.NPS_TOUCHPOINT -> {
                if (measurement.equals(SurveySeries.NPS_TOUCHPOINT)) {
                    point.tag("touchpoint", parts[2]);
                }
                NpsTally nps = NpsTally.of(pane);
                point.count("responses", nps.responses())
                        .count("promoters", nps.promoters())
                        .count("passives", nps.passives())
                        .count("detractors", nps.detractors())
                        .value("nps", nps.nps())
                        .value("nps_ci95_low", nps.ci95Low())
                        .value("nps_ci95_high", nps.ci95High());
            }
            case SurveySeries.CSAT -> {
                CsatTally csat = CsatTally.of(pane);
                point.count("responses", csat.responses()).count("satisfied", csat.satisfied()).value("csat", csat.csat());
            }
            case SurveySeries.CES -> {
                CesTally ces = CesTally.of(pane);
                point.count("responses", ces.responses()).value("ces_mean", ces.mean());
            }
            default -> throw new IllegalArgumentException("unknown survey series " + series);
        }
        return point.build();
    }
}
