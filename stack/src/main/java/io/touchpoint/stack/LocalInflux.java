package io.touchpoint.stack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real InfluxDB 1.x server ({@code influxd run}) as a child process, every listener on 127.0.0.1, data under one
 * directory. Used by the tests, the demo and {@code bin/touchpoint stack}.
 */
public final class LocalInflux implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final boolean auth;
    private Process process;

    private LocalInflux(Path dataDir, int port, boolean auth) {
        this.dataDir = dataDir;
        this.port = port;
        this.auth = auth;
    }

    /**
     * Starts influxd and waits until it answers {@code /ping}.
     *
     * @param httpPort the HTTP port, or 0 for a free one
     */
    public static LocalInflux start(Path dataDir, int httpPort, boolean authEnabled) throws IOException {
        LocalInflux influx = new LocalInflux(dataDir, httpPort == 0 ? Ports.free() : httpPort, authEnabled);
        influx.launch();
        return influx;
    }

    /** The influxd binary on the PATH, if any. */
    public static Optional<Path> findInfluxd() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "influxd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the server configuration: HTTP and the RPC (backup) service on loopback, every other listener off, no
     * usage reporting, no self-monitoring database.
     */
    public static Path writeConfig(Path dataDir, int httpPort, boolean authEnabled) throws IOException {
        Files.createDirectories(dataDir);
        Path config = dataDir.resolve("influxdb.conf");
        String dir = dataDir.toAbsolutePath().toString().replace("\\", "/");
        Files.writeString(config, String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + Ports.free() + "\"",
                "[meta]",
                "  dir = \"" + dir + "/meta\"",
                "  logging-enabled = false",
                "[data]",
                "  dir = \"" + dir + "/data\"",
                "  wal-dir = \"" + dir + "/wal\"",
                "  query-log-enabled = false",
                "  trace-logging-enabled = false",
                "[monitor]",
                "  store-enabled = false",
                "[http]",
                "  enabled = true",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  auth-enabled = " + authEnabled,
                "  log-enabled = false",
                "[subscriber]",
                "  enabled = false",
                "[[graphite]]",
                "  enabled = false",
                "[[collectd]]",
                "  enabled = false",
                "[[opentsdb]]",
                "  enabled = false",
                "[[udp]]",
                "  enabled = false",
                "[continuous_queries]",
                "  log-enabled = false",
                ""));
        return config;
    }

    private void launch() throws IOException {
        Path influxd = findInfluxd().orElseThrow(() -> new IllegalStateException(
                "influxd not found: install it with 'apt-get install -y influxdb' (Debian/Ubuntu)"));
        Ports.requireFree(port, "InfluxDB");
        Path config = writeConfig(dataDir, port, auth);
        Path log = dataDir.resolve("influxd.log");
        process = new ProcessBuilder(List.of(influxd.toString(), "run", "-config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ping(url())) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String tail = tail(log);
                stop();
                throw new IllegalStateException("influxd did not start on port " + port + ": " + tail);
            }
            sleep(100);
        }
    }

    /** Whether an InfluxDB answers {@code /ping} at {@code url}. */
    public static boolean ping(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Creates the first admin user of a server with authentication on (InfluxDB 1.x allows exactly this one
     * statement without credentials).
     */
    public void createAdmin(String user, String password) throws IOException {
        String q = "CREATE USER \"" + user + "\" WITH PASSWORD '" + password.replace("'", "\\'") + "' WITH ALL PRIVILEGES";
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url() + "/query"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
                throw new IOException("creating the admin user failed: " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server without warning (SIGKILL), as a crash would; for fault tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the server again on the same port and data. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
