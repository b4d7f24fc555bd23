package io.touchpoint.survey;

import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.function.Consumer;

/**
 * The series a survey answer counts in: NPS, CSAT and CES each per channel and per channel and touchpoint.
 * A series key is the measurement and its tag values joined by a separator that validated values cannot contain.
 */
public final class SurveySeries {

    public static final String NPS = "nps";
    public static final String NPS_TOUCHPOINT = "nps_touchpoint";
    public static final String CSAT = "csat";
    public static final String CES = "ces";
    public static final String CSAT_TOUCHPOINT = "csat_touchpoint";
    public static final String CES_TOUCHPOINT = "ces_touchpoint";

    /** A control character: the ingest rules reject touchpoints containing one. */
    static final char SEPARATOR = '\u001f';

    private SurveySeries() {}

    /** Routes one validated survey (touchpoint already through the cardinality guard) to its series. */
    public static void route(Survey survey, Consumer<ScoreObservation> out) {
        String channel = TagValues.channel(survey.channel);
        switch (survey.survey) {
            case NPS -> route(NPS, NPS_TOUCHPOINT, channel, survey, out);
            case CSAT -> route(CSAT, CSAT_TOUCHPOINT, channel, survey, out);
            case CES -> route(CES, CES_TOUCHPOINT, channel, survey, out);
            default -> throw new IllegalArgumentException("unknown survey " + survey.survey);
        }
    }

    private static void route(String measurement, String touchpointMeasurement, String channel, Survey survey,
            Consumer<ScoreObservation> out) {
        out.accept(new ScoreObservation(measurement + SEPARATOR + channel, survey.occurredAt, survey.score));
        out.accept(new ScoreObservation(
                touchpointMeasurement + SEPARATOR + channel + SEPARATOR + survey.touchpoint,
                survey.occurredAt,
                survey.score));
    }

    /** Splits a series key into measurement, channel and (for the *_touchpoint measurements) touchpoint. */
    public static String[] parts(String series) {
        return series.split(String.valueOf(SEPARATOR), -1);
    }
}
