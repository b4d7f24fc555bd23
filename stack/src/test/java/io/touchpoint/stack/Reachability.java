package io.touchpoint.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/** Whether a port answers on this machine's other addresses, i.e. whether it would be reachable from outside. */
final class Reachability {

    private Reachability() {}

    /** This machine's non-loopback addresses (empty on a machine with loopback only). */
    static List<InetAddress> externalAddresses() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
    }

    /** The external addresses on which something accepts connections on {@code port}. */
    static List<InetAddress> answeringOutsideLoopback(int port) throws SocketException {
        return externalAddresses().stream().filter(a -> answers(a, port)).toList();
    }

    private static boolean answers(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
