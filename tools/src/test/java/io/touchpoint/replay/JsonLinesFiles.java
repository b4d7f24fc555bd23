package io.touchpoint.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Test helper: every record of a JSON Lines file that must hold only valid lines. */
public final class JsonLinesFiles {

    private JsonLinesFiles() {}

    /** The records in file order; an invalid line fails the test with its message. */
    public static List<SpecificRecord> readAll(Path file) throws Exception {
        List<SpecificRecord> read = new ArrayList<>();
        JsonLines.read(file, new JsonLines.Handler() {
            @Override
            public void record(SpecificRecord record) {
                read.add(record);
            }

            @Override
            public void badLine(JsonLines.LineException e) {
                throw new AssertionError(e.getMessage());
            }
        });
        return read;
    }
}
