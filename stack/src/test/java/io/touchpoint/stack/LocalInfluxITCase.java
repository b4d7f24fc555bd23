package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInfluxITCase {

    private static final String POINT_42 =
            "200 {\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\",\"v\"],"
                    + "\"values\":[[1700000000000,42]]}]}]}";

    @TempDir
    Path dir;

    @Test
    void influxdIsFoundOnThePath() {
        assertThat(LocalInflux.findInfluxd()).hasValueSatisfying(p -> {
            assertThat(p.getFileName()).hasToString("influxd");
            assertThat(Files.isExecutable(p)).isTrue();
        });
    }

    @Test
    void theConfigPutsEveryListenerOnLoopback() throws Exception {
        String config = Files.readString(LocalInflux.writeConfig(dir, 18086, true));
        assertThat(config).contains("bind-address = \"127.0.0.1:18086\"", "auth-enabled = true",
                "reporting-disabled = true", "query-log-enabled = false", "store-enabled = false",
                "dir = \"" + dir.toAbsolutePath() + "/meta\"", "wal-dir = \"" + dir.toAbsolutePath() + "/wal\"");
        assertThat(config.lines().filter(l -> l.strip().startsWith("bind-address")))
                .hasSize(7)
                .allSatisfy(l -> assertThat(l).contains("\"127.0.0.1:"));
        assertThat(config.lines().filter(l -> l.strip().equals("enabled = false"))).hasSize(6);
    }

    @Test
    void keepsItsDataOverAKillAndARestartOnTheSamePort() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false)) {
            int port = influx.port();
            long firstPid = influx.pid();
            InfluxHttp http = InfluxHttp.at(influx.url());
            assertThat(Reachability.answeringOutsideLoopback(port)).isEmpty();
            assertThat(http.command("CREATE DATABASE t")).startsWith("200 ");
            assertThat(http.write("t", "m,channel=chat v=42i 1700000000000")).isEqualTo("204");

            influx.kill();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(LocalInflux.ping(influx.url())).isFalse();

            influx.restart();
            assertThat(influx.port()).isEqualTo(port);
            assertThat(influx.pid()).isNotEqualTo(firstPid);
            assertThat(http.query("t", "SELECT v FROM m")).isEqualTo(POINT_42);
        }
        assertThat(Files.readString(dir.resolve("influxd.log"))).contains("Listening on HTTP");
    }

    @Test
    void withAuthenticationOnlyTheAdminGetsIn() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, true)) {
            InfluxHttp anonymous = InfluxHttp.at(influx.url());
            influx.createAdmin("ops", "pa's\"s\\word");
            assertThat(anonymous.command("SHOW DATABASES")).startsWith("401 ");
            assertThat(anonymous.as("ops", "wrong").command("SHOW DATABASES")).startsWith("401 ");
            assertThat(anonymous.as("ops", "pa's\"s\\word").command("SHOW USERS")).isEqualTo(
                    "200 {\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":[\"user\",\"admin\"],"
                            + "\"values\":[[\"ops\",true]]}]}]}");
        }
    }
}
