package io.touchpoint.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback TCP ports for the local servers. */
public final class Ports {

    private Ports() {}

    /**
     * A TCP port on 127.0.0.1 that is free right now. The operating system picks it, so two calls in a row give
     * different ports, but nothing reserves it: bind it soon.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean inUse(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails with a one-line reason, e.g. "port 8086 (InfluxDB) is already in use", when something already listens
     * on {@code port}; {@code what} names the server that wanted it.
     */
    public static void requireFree(int port, String what) {
        if (inUse(port)) {
            throw new IllegalStateException("port " + port + " (" + what + ") is already in use");
        }
    }
}
