package io.touchpoint.stack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Bare InfluxDB 1.x HTTP calls for the tests, so they check the server rather than a client library. */
final class InfluxHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final String authorization;

    private InfluxHttp(String url, String authorization) {
        this.url = url;
        this.authorization = authorization;
    }

    static InfluxHttp at(String url) {
        return new InfluxHttp(url, null);
    }

    InfluxHttp as(String user, String password) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new InfluxHttp(url, "Basic " + basic);
    }

    /** POST /query; returns the status code and body as "CODE BODY". */
    String command(String statement) throws IOException, InterruptedException {
        return send(request("/query").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(statement))));
    }

    /** GET /query with millisecond timestamps; "CODE BODY". */
    String query(String db, String statement) throws IOException, InterruptedException {
        return send(request("/query?db=" + enc(db) + "&epoch=ms&q=" + enc(statement)).GET());
    }

    /** POST /write of line protocol with millisecond timestamps; "CODE BODY". */
    String write(String db, String lines) throws IOException, InterruptedException {
        return send(request("/write?db=" + enc(db) + "&precision=ms").POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + path));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private static String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return (response.statusCode() + " " + response.body()).strip();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
