package io.touchpoint.influx;

import java.io.IOException;

/**
 * InfluxDB's non-2xx answer to a write: its HTTP status and its own error text. Thrown by the HTTP interceptor of
 * {@link InfluxConnections} because the client alone keeps only the text, and the status is what tells "try later"
 * (5xx, 429) from "never" (4xx) when a proxy answers with a page instead of InfluxDB's JSON.
 */
final class InfluxAnswer extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    InfluxAnswer(int status, String error) {
        super("HTTP " + status + " " + error);
        this.status = status;
        this.error = error;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
