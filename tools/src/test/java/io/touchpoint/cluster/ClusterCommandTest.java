package io.touchpoint.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.cli.Touchpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster} and {@code run --cluster} arguments, checked before anything is started or uploaded. */
class ClusterCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int touchpoint(String... args) {
        return Touchpoint.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsExit2WithOneLine() {
        assertThat(touchpoint("cluster")).isEqualTo(2);
        assertThat(err()).isEqualTo("touchpoint cluster: say up, down, status or busy (see --help)\n");
        err.reset();
        assertThat(touchpoint("cluster", "up", "--slots", "0")).isEqualTo(2);
        assertThat(err()).contains("expected a number from 1 to 256, got '0'");
        err.reset();
        assertThat(touchpoint("cluster", "up", "down")).isEqualTo(2);
        assertThat(err()).contains("one action only");
    }

    @Test
    void statusAndDownOfAClusterThatNeverRan() {
        assertThat(touchpoint("cluster", "status", "--dir", dir.toString())).isEqualTo(ClusterCommand.NOT_UP);
        assertThat(out()).isEqualTo("jobmanager   down\n");
        out.reset();
        assertThat(touchpoint("cluster", "down", "--dir", dir.toString())).isZero();
        assertThat(out()).isEqualTo("jobmanager was not running\n");
    }

    @Test
    void runOnAClusterChecksItsOptionsBeforeUploading() throws Exception {
        // nothing listens on port 1: only the last call gets as far as trying it
        assertThat(touchpoint("run", "--cluster", "localhost:8081")).isEqualTo(2);
        assertThat(err()).contains("--cluster takes the REST URL");
        err.reset();
        assertThat(touchpoint("run", "--cluster", "http://127.0.0.1:1", "--kafka", "nohost")).isEqualTo(2);
        assertThat(err()).contains("--kafka takes HOST:PORT");
        err.reset();
        assertThat(touchpoint("run", "--cluster", "http://127.0.0.1:1", "--jar", dir.resolve("none.jar").toString()))
                .isEqualTo(2);
        assertThat(err()).contains("no job jar at");
        err.reset();
        assertThat(touchpoint("run", "--cluster", "http://127.0.0.1:1", "--jar", dir.toString())).isEqualTo(2);
        err.reset();
        Files.writeString(dir.resolve("job.jar"), "not really a jar");
        assertThat(touchpoint("run", "--cluster", "http://127.0.0.1:1", "--jar", dir.resolve("job.jar").toString()))
                .isEqualTo(1);
        assertThat(err()).startsWith("touchpoint run: cannot reach Flink's REST API at http://127.0.0.1:1 (");
    }
}
