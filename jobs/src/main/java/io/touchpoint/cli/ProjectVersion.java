package io.touchpoint.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The project version, filled in by Maven: what {@code --version} prints, in every command and the job jar. */
public class ProjectVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"touchpoint " + p.getProperty("version", "unknown")
                + " (Java " + System.getProperty("java.version") + ")"};
    }
}
