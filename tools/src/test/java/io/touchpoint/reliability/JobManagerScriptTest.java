package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/jobmanager.sh, the JobManager's start script in the compose stack, run with {@code echo} in place of
 * Flink's entry point: it hands Flink the newest savepoint or retained checkpoint on the checkpoints volume, skips
 * a checkpoint cut off by a crash (no {@code _metadata}), and starts empty when there is none or when told to.
 */
class JobManagerScriptTest {

    private static final Path SCRIPT = Path.of("..", "docker", "jobmanager.sh");

    @TempDir
    Path volume;

    @Test
    void restoresTheNewestCompleteSnapshotOnTheVolume() throws Exception {
        snapshot("savepoints/savepoint-aaaaaa-000000000001", "2026-11-29T10:00:00Z");
        snapshot("0123456789abcdef0123456789abcdef/chk-41", "2026-11-29T10:05:00Z");
        Path newest = snapshot("fedcba9876543210fedcba9876543210/chk-7", "2026-11-29T10:07:00Z");
        Files.createDirectories(volume.resolve("fedcba9876543210fedcba9876543210/chk-8")); // cut off by a crash

        assertThat(start(Map.of())).endsWith("standalone-job --fromSavepoint " + newest
                + " --job-classname io.touchpoint.job.MonitorMain --config /opt/touchpoint/monitor.properties\n");
        assertThat(start(Map.of("TOUCHPOINT_FRESH", "true"))).endsWith("standalone-job"
                + " --job-classname io.touchpoint.job.MonitorMain --config /opt/touchpoint/monitor.properties\n");
    }

    @Test
    void startsEmptyOnAnEmptyVolume() throws Exception {
        assertThat(start(Map.of())).contains("starts empty").endsWith("standalone-job"
                + " --job-classname io.touchpoint.job.MonitorMain --config /opt/touchpoint/monitor.properties\n");
    }

    private Path snapshot(String folder, String completed) throws Exception {
        Path dir = Files.createDirectories(volume.resolve(folder));
        Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.parse(completed)));
        return dir;
    }

    private String start(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", SCRIPT.toString(), "--job-classname",
                "io.touchpoint.job.MonitorMain", "--config", "/opt/touchpoint/monitor.properties")
                .redirectErrorStream(true);
        builder.environment().put("TOUCHPOINT_STATE", volume.toString());
        builder.environment().put("TOUCHPOINT_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("FLINK_ENTRYPOINT", "echo");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
