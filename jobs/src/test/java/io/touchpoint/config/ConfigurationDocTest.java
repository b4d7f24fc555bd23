package io.touchpoint.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The README's Configuration table is the reference of every setting ({@code run --help} points to it): every key
 * of {@link MonitorOptions} has a row there with its default, so a new option cannot go undocumented.
 */
class ConfigurationDocTest {

    @Test
    void everyOptionHasARowWithItsDefault() throws Exception {
        List<String> rows = configurationRows();
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Field field : MonitorOptions.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Object value = field.get(null);
            String key = value instanceof ConfigOption<?> option ? option.key() : value + "*";
            if (value instanceof String prefix) {
                key = prefix.equals(MonitorOptions.CALENDAR_PREFIX) ? prefix + "<channel>" : prefix + "*";
            }
            String cell = "`" + key + "`";
            // the key cell (first column) names the key; other cells may mention it
            List<String> found = rows.stream().filter(r -> r.split("\\|")[1].contains(cell)).toList();
            softly.assertThat(found).as(key + " has a row in README.md ## Configuration").hasSize(1);
            if (found.size() == 1 && value instanceof ConfigOption<?> option && option.hasDefaultValue()) {
                softly.assertThat(defaults(option.defaultValue())).as(key + " default in " + found.get(0))
                        .anyMatch(d -> found.get(0).contains(d));
            }
            checked++;
        }
        softly.assertThat(checked).isGreaterThan(25);
        softly.assertAll();
    }

    /** How a default may be written in the table: an empty string as the spec's defaults, a duration with a unit. */
    static List<String> defaults(Object value) {
        List<String> forms = new ArrayList<>();
        if (value instanceof Duration d) {
            long s = d.toSeconds();
            forms.add("`" + s + " s`");
            if (s % 60 == 0) {
                forms.add("`" + s / 60 + " min`");
            }
            if (s % 3600 == 0) {
                forms.add("`" + s / 3600 + " h`");
            }
            if (s % 86400 == 0) {
                forms.add("`" + s / 86400 + " d`");
            }
        } else if (value instanceof Double d && d == Math.rint(d)) {
            forms.add("`" + d.longValue() + "`");
            forms.add("`" + d + "`");
        } else if ("".equals(value)) {
            forms.add("spec defaults");
        } else {
            forms.add("`" + value + "`");
        }
        return forms;
    }

    /** The table rows of the README section "## Configuration", up to the next heading. */
    static List<String> configurationRows() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("README.md")) || !Files.exists(dir.resolve("grafana"))) {
            dir = dir.getParent();
        }
        List<String> lines = Files.readAllLines(dir.resolve("README.md"));
        int start = lines.indexOf("## Configuration");
        assertThat(start).as("README.md has a ## Configuration section").isNotNegative();
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            if (line.startsWith("| `")) {
                rows.add(line);
            }
        }
        return rows;
    }
}
