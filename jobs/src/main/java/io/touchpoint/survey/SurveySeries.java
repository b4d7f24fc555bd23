package io.touchpoint.survey;

import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.function.Consumer;

/**
 * The series a survey answer counts in: NPS per channel and per channel and touchpoint, CSAT and CES per channel.
 * A series key is the measurement and its tag values joined by a separator that validated values cannot contain.
 */
public final class SurveySeries {

    public static final String NPS = "nps";
    public static final String NPS_TOUCHPOINT = "nps_touchpoint";
    public static final String CSAT = "csat";
    public static final String CES = "ces";

    /** A control character: the ingest rules reject touchpoints containing one. */
    static final char SEPARATOR = '\u001f';

    private SurveySeries() {}

    /** Routes one validated survey (touchpoint already through the cardinality guard) to its series. */
    public static void route(Survey survey, Consumer<ScoreObservation> out) {
        String channel = TagValues.channel(survey.channel);
        switch (survey.survey) {
            case NPS -> {
                out.accept(new ScoreObservation(NPS + SEPARATOR + channel, survey.occurredAt, survey.score));
                out.accept(new ScoreObservation(
                        NPS_TOUCHPOINT + SEPARATOR + channel + SEPARATOR + survey.touchpoint,
                        survey.occurredAt,
                        survey.score));
            }
            case CSAT -> out.accept(new ScoreObservation(CSAT + SEPARATOR + channel, survey.occurredAt, survey.score));
            case CES -> out.accept(new ScoreObservation(CES + SEPARATOR + channel, survey.occurredAt, survey.score));
            default -> throw new IllegalArgumentException("unknown survey " + survey.survey);
        }
    }

    /** Splits a series key into measurement, channel and (for nps_touchpoint) touchpoint. */
    public static String[] parts(String series) {
        return series.split(String.valueOf(SEPARATOR), -1);
    }
}
