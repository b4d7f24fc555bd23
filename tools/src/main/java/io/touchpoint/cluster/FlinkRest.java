package io.touchpoint.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The REST API of a Flink 2.x JobManager, the parts a session cluster's user needs: upload a job jar and run it (what
 * {@code flink run} does), follow a job, stop it with a savepoint, and read its checkpoint statistics and metrics.
 * Every call fails with an {@link IOException} naming the endpoint and Flink's own error text.
 */
public final class FlinkRest {

    /** Job states from which a job does not move on by itself. */
    public static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param url the REST address, e.g. {@code http://127.0.0.1:8081} */
    public FlinkRest(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String url() {
        return url;
    }

    /** Whether the REST endpoint answers at all. */
    public boolean answers() {
        try {
            get("/config");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code GET /overview}: task managers, slots and jobs of the cluster. */
    public JsonNode overview() throws IOException {
        return get("/overview");
    }

    /** Uploads a jar ({@code POST /jars/upload}) and returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "touchpoint-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/jars/upload"))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        String filename = send(request, "/jars/upload").path("filename").asText("");
        if (filename.isEmpty()) {
            throw new IOException("POST /jars/upload: the answer names no file");
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * Runs an uploaded jar ({@code POST /jars/ID/run}): its {@code main} runs inside the JobManager with
     * {@code args}, and the id of the job it submits comes back at once.
     *
     * @param savepoint a savepoint or retained checkpoint to start from, or null
     */
    public String runJar(String jarId, String entryClass, int parallelism, List<String> args, String savepoint)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.put("parallelism", parallelism);
        body.putArray("programArgsList").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        String jobId = post("/jars/" + jarId + "/run", body).path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new IOException("POST /jars/" + jarId + "/run: the answer names no job id");
        }
        return jobId;
    }

    /** The ids of the jobs in state RUNNING ({@code GET /jobs}). */
    public List<String> runningJobs() throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode job : get("/jobs").path("jobs")) {
            if (job.path("status").asText().equals("RUNNING")) {
                ids.add(job.path("id").asText());
            }
        }
        return ids;
    }

    /** {@code GET /jobs/ID}: the job's details, with its {@code state} and {@code vertices}. */
    public JsonNode job(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    public String state(String jobId) throws IOException {
        return job(jobId).path("state").asText();
    }

    /** Waits until the job is in {@code wanted} (or in a terminal state, which is then returned). */
    public String awaitState(String jobId, Set<String> wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String state = state(jobId);
            if (wanted.contains(state) || TERMINAL.contains(state)) {
                return state;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + " still " + state + " after " + timeout.toSeconds() + " s");
            }
            pause(250);
        }
    }

    /** Waits for the job to end; fails with the job's first exception unless it finished. */
    public void awaitFinished(String jobId, Duration timeout) throws IOException {
        String state = awaitState(jobId, TERMINAL, timeout);
        if (!state.equals("FINISHED")) {
            throw new IOException("job " + jobId + " ended " + state + ": " + firstException(jobId));
        }
    }

    /** The name and first line of the oldest exception in the job's history, or "no exception recorded". */
    public String firstException(String jobId) throws IOException {
        JsonNode entries = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        if (!entries.isArray() || entries.isEmpty()) {
            return "no exception recorded";
        }
        JsonNode first = entries.get(entries.size() - 1);
        String trace = first.path("stacktrace").asText("");
        return trace.isEmpty() ? first.path("exceptionName").asText() : trace.lines().findFirst().orElse("");
    }

    /**
     * Stops the job with a savepoint ({@code POST /jobs/ID/stop}, without draining, so it can go on later from where
     * it stopped) and returns the savepoint's path once written. A savepoint that fails leaves the job running (a
     * task can decline one, e.g. while it is busy restoring or finishing a split); it is tried up to three times.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return stopWithSavepointOnce(jobId, targetDirectory, deadline);
            } catch (IOException e) {
                if (attempt == 3 || !"RUNNING".equals(state(jobId)) || System.nanoTime() > deadline) {
                    throw e;
                }
                pause(1_000);
            }
        }
    }

    private String stopWithSavepointOnce(String jobId, String targetDirectory, long deadline) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("location")) {
                    return operation.path("location").asText();
                }
                throw new IOException("stop with savepoint of job " + jobId + " failed: "
                        + operation.path("failure-cause").path("stack-trace").asText("").lines().findFirst()
                                .orElse(operation.toString()));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no savepoint of job " + jobId + " in the time allowed");
            }
            pause(250);
        }
    }

    /** {@code PATCH /jobs/ID?mode=cancel}. */
    public void cancel(String jobId) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/jobs/" + jobId + "?mode=cancel"))
                .timeout(CALL_TIMEOUT)
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build();
        send(request, "/jobs/" + jobId);
    }

    /** {@code GET /jobs/ID/checkpoints}: counts, the latest completed and the checkpoint it was restored from. */
    public JsonNode checkpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** {@code GET /jobs/ID/checkpoints/config}: interval, mode, {@code state_backend}, {@code checkpoint_storage}. */
    public JsonNode checkpointConfig(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints/config");
    }

    /**
     * One metric of every subtask of every vertex of a running job, e.g. {@code busyTimeMsPerSecond}: vertex name to
     * the values of subtask 0, 1, ... (NaN where a subtask has not reported yet).
     */
    public Map<String, double[]> subtaskMetric(String jobId, String metric) throws IOException {
        Map<String, double[]> byVertex = new LinkedHashMap<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            int parallelism = vertex.path("parallelism").asInt();
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < parallelism; i++) {
                names.append(i == 0 ? "" : ",").append(i).append('.').append(metric);
            }
            double[] values = new double[parallelism];
            java.util.Arrays.fill(values, Double.NaN);
            for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/metrics?get="
                    + names)) {
                String id = m.path("id").asText();
                int subtask = Integer.parseInt(id.substring(0, id.indexOf('.')));
                values[subtask] = Double.parseDouble(m.path("value").asText("NaN"));
            }
            byVertex.put(vertex.path("name").asText(), values);
        }
        return byVertex;
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).timeout(CALL_TIMEOUT).GET().build(), path);
    }

    private JsonNode post(String path, JsonNode body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return send(request, path);
    }

    private JsonNode send(HttpRequest request, String path) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + url + path, e);
        } catch (IOException e) {
            // the JDK's message is often empty (connection refused): say what could not be reached
            throw new IOException("cannot reach Flink's REST API at " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        JsonNode answer = JSON.createObjectNode();
        try {
            if (!response.body().isBlank()) {
                answer = JSON.readTree(response.body());
            }
        } catch (JsonProcessingException e) {
            // not Flink's JSON, e.g. a proxy's error page: reported below with the status, or as not JSON
            if (response.statusCode() / 100 == 2) {
                throw new IOException(request.method() + " " + path + ": the answer is not JSON", e);
            }
        }
        if (response.statusCode() / 100 != 2) {
            JsonNode errors = answer.path("errors");
            String reason = errors.isArray() && !errors.isEmpty()
                    ? errors.get(errors.size() - 1).asText().lines().findFirst().orElse("")
                    : response.body();
            throw new IOException(request.method() + " " + path + ": HTTP " + response.statusCode() + " " + reason);
        }
        return answer;
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
