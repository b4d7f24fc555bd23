package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.config.MonitorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorMainTest {

    @TempDir
    Path dir;

    @Test
    void freshAndTheStateDirectoryComeFromTheCommandLine() throws Exception {
        Configuration config = MonitorMain.parse(new String[] {"--fresh", "--state-dir", "/var/lib/touchpoint"}, Map.of());
        assertThat(config.get(MonitorOptions.STATE_FRESH)).isTrue();
        assertThat(config.get(MonitorOptions.STATE_DIR)).isEqualTo("/var/lib/touchpoint");

        Configuration plain = MonitorMain.parse(new String[0], Map.of());
        assertThat(plain.get(MonitorOptions.STATE_FRESH)).isFalse();
        assertThat(plain.getOptional(MonitorOptions.STATE_DIR)).isEmpty();
    }

    @Test
    void theStateDirectoryMayComeFromTheFileButFreshOnlyFromTheFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("monitor.properties"), "state.dir = /srv/state\n");
        assertThat(MonitorMain.parse(new String[] {"--config", file.toString()}, Map.of()).get(MonitorOptions.STATE_DIR))
                .isEqualTo("/srv/state");

        Path fresh = Files.writeString(dir.resolve("fresh.properties"), "state.fresh = true\n");
        assertThatThrownBy(() -> MonitorMain.parse(new String[] {"--config", fresh.toString()}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state.fresh is set only by the --fresh flag");
        assertThatThrownBy(() -> MonitorMain.parse(new String[] {"--state-dir"}, Map.of()))
                .hasMessage("--state-dir needs a value");
    }
}
