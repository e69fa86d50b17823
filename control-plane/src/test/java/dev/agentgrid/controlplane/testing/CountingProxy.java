package dev.agentgrid.controlplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards one connection to PostgreSQL, counting the client's writes: the driver flushes
 * once per round trip, and each flush of a few hundred bytes arrives on loopback as one read.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final AtomicInteger clientWrites = new AtomicInteger();
    private final Thread acceptor;

    public CountingProxy(String host, int port) throws IOException {
        acceptor = new Thread(() -> {
            try (Socket client = server.accept(); Socket upstream = new Socket(host, port)) {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Thread back = new Thread(() -> pump(upstream, client, null));
                back.setDaemon(true);
                back.start();
                pump(client, upstream, clientWrites);
            } catch (IOException e) {
                // closed
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every write of a finished call: a write is counted before it is forwarded, so before its reply. */
    public int clientWrites() {
        return clientWrites.get();
    }

    private static void pump(Socket from, Socket to, AtomicInteger reads) {
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (reads != null) {
                    reads.incrementAndGet();
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
