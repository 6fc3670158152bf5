package dev.lorehub.node.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback helpers for tests that start real servers: every one binds 127.0.0.1 only. */
public final class Loopback {
    private Loopback() {
    }

    public static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();

    /** A port free on 127.0.0.1 right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, ADDRESS)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Waits (bounded) until something accepts connections on 127.0.0.1:port. */
    public static void awaitListening(int port, Duration max, Process process) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " before listening");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ADDRESS, port), 200);
                return;
            } catch (IOException e) {
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            }
        }
        throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + max);
    }

    /** True if a program is on the PATH. */
    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
