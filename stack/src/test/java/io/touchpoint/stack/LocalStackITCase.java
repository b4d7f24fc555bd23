package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both servers side by side on free ports, as the job tests use them. */
class LocalStackITCase {

    @TempDir
    Path dir;

    @Test
    void kafkaAndInfluxCarryDataAndFreeTheirPortsWhenStopped() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        int kafkaPort = kafka.port();
        int influxPort = influx.port();
        long influxPid = influx.pid();
        try {
            assertThat(kafkaPort).isNotEqualTo(influxPort);
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            assertThat(influx.url()).isEqualTo("http://127.0.0.1:" + influxPort);

            kafka.createTopics(2, "cx.interactions");
            byte[] value = {(byte) 0xC3, 0x01, 0, 1, 2, (byte) 0xFF};
            assertThat(KafkaRecords.send(kafka.bootstrapServers(), "cx.interactions", 1, "c-1".getBytes(), value)
                    .partition()).isEqualTo(1);
            List<ConsumerRecord<byte[], byte[]>> records =
                    KafkaRecords.read(kafka.bootstrapServers(), "cx.interactions", 1, 1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).offset()).isZero();
            assertThat(records.get(0).key()).containsExactly('c', '-', '1');
            assertThat(records.get(0).value()).containsExactly(value);

            InfluxHttp http = InfluxHttp.at(influx.url());
            assertThat(http.command("CREATE DATABASE touchpoint")).startsWith("200 ");
            assertThat(http.write("touchpoint", "first_response,channel=chat p90_s=93.5 1700000000000"))
                    .isEqualTo("204");
            assertThat(http.query("touchpoint", "SELECT p90_s FROM first_response WHERE channel = 'chat'"))
                    .isEqualTo("200 {\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"first_response\","
                            + "\"columns\":[\"time\",\"p90_s\"],\"values\":[[1700000000000,93.5]]}]}]}");
        } finally {
            kafka.stop();
            influx.stop();
        }
        assertThat(Ports.inUse(kafkaPort)).isFalse();
        assertThat(Ports.inUse(influxPort)).isFalse();
        assertThat(ProcessHandle.of(influxPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
