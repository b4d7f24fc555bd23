package io.touchpoint.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for the local servers. */
public final class Ports {

    private Ports() {}

    /** A TCP port on 127.0.0.1 that is free right now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        }
    }

    public static boolean inUse(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with a one-line reason when something already listens on {@code port}. */
    public static void requireFree(int port, String what) {
        if (inUse(port)) {
            throw new IllegalStateException("port " + port + " (" + what + ") is already in use");
        }
    }
}
