package io.touchpoint.stack;

import java.io.File;
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
 * A real InfluxDB 1.x server ({@code influxd run}) as a child process, every listener on 127.0.0.1, data, config
 * and log ({@code influxd.log}) under one directory. Used by the tests, the demo and {@code bin/touchpoint stack}.
 */
public final class LocalInflux implements AutoCloseable {

    static final String NOT_FOUND = "influxd not found: install it with 'apt-get install -y influxdb' (Debian/Ubuntu)";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

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
     * @param dataDir config, log, meta, data and WAL; kept, so a later start finds the same databases
     * @param httpPort the HTTP port, or 0 for a free one
     * @param authEnabled whether the HTTP API requires credentials (see {@link #createAdmin})
     */
    public static LocalInflux start(Path dataDir, int httpPort, boolean authEnabled) throws IOException {
        LocalInflux influx = new LocalInflux(dataDir, httpPort == 0 ? Ports.free() : httpPort, authEnabled);
        influx.launch();
        return influx;
    }

    /** The influxd binary on the PATH, if any. */
    public static Optional<Path> findInfluxd() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "influxd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes {@code dataDir/influxdb.conf}: HTTP and the RPC (backup/restore) service on 127.0.0.1, every other
     * listener off and on loopback should it be switched on, no usage reporting, no query or access logging, no
     * self-monitoring database.
     */
    public static Path writeConfig(Path dataDir, int httpPort, boolean authEnabled) throws IOException {
        Files.createDirectories(dataDir);
        Path config = dataDir.resolve("influxdb.conf");
        String dir = dataDir.toAbsolutePath().toString().replace("\\", "/");
        Files.writeString(config, String.join("\n",
                "# written by LocalInflux; rewritten on every start",
                // Upstream 1.x reads reporting-disabled, Debian's build reporting-enabled; each ignores the other.
                "reporting-disabled = true",
                "reporting-enabled = false",
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
                "[subscriber]",
                "  enabled = false",
                "[http]",
                "  enabled = true",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  auth-enabled = " + authEnabled,
                "  log-enabled = false",
                "  pprof-enabled = false",
                "  https-enabled = false",
                "  unix-socket-enabled = false",
                "[ifql]",
                "  enabled = false",
                "  bind-address = \"127.0.0.1:8082\"",
                "[[graphite]]",
                "  enabled = false",
                "  bind-address = \"127.0.0.1:2003\"",
                "[[collectd]]",
                "  enabled = false",
                "  bind-address = \"127.0.0.1:25826\"",
                "[[opentsdb]]",
                "  enabled = false",
                "  bind-address = \"127.0.0.1:4242\"",
                "[[udp]]",
                "  enabled = false",
                "  bind-address = \"127.0.0.1:8089\"",
                "[continuous_queries]",
                "  log-enabled = false",
                ""));
        return config;
    }

    /**
     * Writes the config and starts influxd without waiting for it; output goes to {@code log}. With
     * {@code detached} the server outlives this JVM's terminal session ({@code bin/touchpoint stack up}).
     */
    static Process spawn(Path dataDir, int httpPort, boolean authEnabled, Path log, boolean detached)
            throws IOException {
        Path influxd = findInfluxd().orElseThrow(() -> new IllegalStateException(NOT_FOUND));
        Path config = writeConfig(dataDir, httpPort, authEnabled);
        return ChildProcesses.start(
                List.of(influxd.toString(), "run", "-config", config.toAbsolutePath().toString()), log, detached);
    }

    /** Waits until the server answers {@code /ping}; on failure stops it and throws with the log's last lines. */
    static void awaitReady(Process process, int httpPort, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ping(url(httpPort))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                ChildProcesses.stop(process.toHandle(), Duration.ofSeconds(5));
                throw new IllegalStateException(
                        "influxd did not start on port " + httpPort + ": " + ChildProcesses.tail(log, 5));
            }
            ChildProcesses.sleep(100);
        }
    }

    private void launch() throws IOException {
        if (findInfluxd().isEmpty()) {
            throw new IllegalStateException(NOT_FOUND);
        }
        Ports.requireFree(port, "InfluxDB");
        Path log = dataDir.resolve("influxd.log");
        process = spawn(dataDir, port, auth, log, false);
        awaitReady(process, port, log);
    }

    /** Whether an InfluxDB answers {@code /ping} with 204 at {@code url}. */
    public static boolean ping(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url(port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Creates the first admin user of a server with authentication on: InfluxDB 1.x accepts exactly this
     * statement without credentials while no admin exists.
     */
    public void createAdmin(String user, String password) throws IOException {
        String statement = "CREATE USER " + quoted(user, '"') + " WITH PASSWORD " + quoted(password, '\'')
                + " WITH ALL PRIVILEGES";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "q=" + URLEncoder.encode(statement, StandardCharsets.UTF_8)))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
                // A parse error may quote part of the statement, so the password is masked out of the message.
                String answer = password.isEmpty() ? response.body() : response.body().replace(password, "***");
                throw new IOException("creating admin user '" + user + "' failed: HTTP " + response.statusCode()
                        + " " + answer.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the admin user", e);
        }
    }

    /** An InfluxQL identifier ({@code "}) or string literal ({@code '}) with backslash escapes. */
    private static String quoted(String value, char quote) {
        return quote + value.replace("\\", "\\\\").replace(String.valueOf(quote), "\\" + quote) + quote;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s) and returns once it is gone. */
    public void stop() {
        if (process != null) {
            ChildProcesses.stop(process.toHandle(), ChildProcesses.STOP_TIMEOUT);
        }
    }

    /** Kills the server without warning (SIGKILL), as a crash would; for fault tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the server again on the same port and data (stopping it first if it still runs). */
    public void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }
}
