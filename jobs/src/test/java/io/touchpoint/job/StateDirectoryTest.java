package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.config.MonitorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    @TempDir
    Path base;

    private static Configuration config(String database) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.INFLUX_DATABASE, database);
        return config;
    }

    @Test
    void theSameConfigurationIsTheSameFolderWhateverElseChanged() throws Exception {
        Path first;
        try (StateDirectory state = StateDirectory.open(base, config("touchpoint"))) {
            first = state.root();
            assertThat(Files.readString(first.resolve("configuration.properties")))
                    .contains("influx.database = touchpoint", "topic.interactions = cx.interactions");
        }
        Configuration tuned = config("touchpoint");
        tuned.set(MonitorOptions.SLA_TARGETS, "chat=90");
        tuned.set(MonitorOptions.PARALLELISM, 4);
        try (StateDirectory state = StateDirectory.open(base, tuned)) {
            assertThat(state.root()).isEqualTo(first);
        }
        Configuration otherTopic = config("touchpoint");
        otherTopic.set(MonitorOptions.TOPIC_SURVEYS, "eu.surveys");
        try (StateDirectory state = StateDirectory.open(base, otherTopic);
                StateDirectory test = StateDirectory.open(base, config("test"))) {
            assertThat(state.root()).isNotEqualTo(first);
            assertThat(test.root().getFileName().toString()).startsWith("test-");
        }
    }

    @Test
    void aSecondRunOfTheSameConfigurationIsKeptOut() throws Exception {
        try (StateDirectory state = StateDirectory.open(base, config("touchpoint"))) {
            assertThatThrownBy(() -> StateDirectory.open(base, config("touchpoint")))
                    .hasMessageContaining("another run of this configuration is using " + state.root());
        }
        StateDirectory.open(base, config("touchpoint")).close();
    }

    @Test
    void newestCompleteSnapshotWinsAndOlderOnesArePruned() throws Exception {
        try (StateDirectory state = StateDirectory.open(base, config("touchpoint"))) {
            Path root = state.root();
            for (int i = 1; i <= 5; i++) {
                snapshot(root.resolve("savepoints/savepoint-00000" + i), "2026-11-29T10:0" + i + ":00Z");
            }
            Path oldJob = snapshot(root.resolve("checkpoints/job-a/chk-40"), "2026-11-29T10:00:30Z").getParent();
            Path newest = snapshot(root.resolve("checkpoints/job-b/chk-3"), "2026-11-29T10:09:00Z");
            Files.createDirectories(root.resolve("checkpoints/job-b/chk-4")); // cut off: no _metadata
            Files.createDirectories(root.resolve("checkpoints/job-c/shared")); // died before its first checkpoint

            StateDirectory.Snapshot chosen = state.newest().orElseThrow();
            assertThat(chosen.dir()).isEqualTo(newest);
            assertThat(chosen.kind()).isEqualTo(StateDirectory.Snapshot.Kind.CHECKPOINT);
            assertThat(chosen.describe()).isEqualTo("retained checkpoint of 2026-11-29 10:09:00 UTC (" + newest + ")");

            state.prune(chosen);
            assertThat(newest).exists();
            assertThat(oldJob).doesNotExist();
            assertThat(root.resolve("checkpoints/job-c")).doesNotExist();
            try (Stream<Path> savepoints = Files.list(state.savepoints())) {
                assertThat(savepoints.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("savepoint-000003", "savepoint-000004", "savepoint-000005");
            }
        }
    }

    @Test
    void settingAsideLeavesNothingToRestore() throws Exception {
        try (StateDirectory state = StateDirectory.open(base, config("touchpoint"))) {
            assertThat(state.setAside()).isEmpty();
            Path savepoint = snapshot(state.savepoints().resolve("savepoint-000001"), "2026-11-29T10:00:00Z");
            Path aside = state.setAside().orElseThrow();
            assertThat(state.newest()).isEmpty();
            assertThat(aside.resolve("savepoints").resolve(savepoint.getFileName()).resolve("_metadata")).exists();
            assertThat(StateDirectory.newestIn(base)).isEmpty();
        }
    }

    private static Path snapshot(Path dir, String completed) throws Exception {
        Files.createDirectories(dir);
        Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.parse(completed)));
        return dir;
    }
}
