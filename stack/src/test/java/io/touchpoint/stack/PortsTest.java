package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aFreePortCanBeBoundOnLoopback() throws Exception {
        int port = Ports.free();
        assertThat(port).isBetween(1024, 65535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
            assertThat(socket.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aListeningPortIsInUseAndRefusedWithAOneLineReason() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = socket.getLocalPort();
            assertThat(Ports.inUse(port)).isTrue();
            assertThatThrownBy(() -> Ports.requireFree(port, "InfluxDB"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + port + " (InfluxDB) is already in use");
        }
    }

    @Test
    void onlyAWildcardBindIsReachableOutsideLoopback() throws Exception {
        assumeThat(Reachability.externalAddresses()).as("a non-loopback address").isNotEmpty();
        try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket wildcard = new ServerSocket(0)) {
            assertThat(Reachability.answeringOutsideLoopback(loopback.getLocalPort())).isEmpty();
            assertThat(Reachability.answeringOutsideLoopback(wildcard.getLocalPort()))
                    .containsExactlyElementsOf(Reachability.externalAddresses());
        }
    }

    @Test
    void aClosedPortIsFreeAgain() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThat(Ports.inUse(port)).isFalse();
        assertThatCode(() -> Ports.requireFree(port, "Kafka")).doesNotThrowAnyException();
    }
}
