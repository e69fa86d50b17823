package dev.agentgrid.controlplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards one connection to PostgreSQL, counting the client's writes: the driver flushes
 * once per round trip, and each flush of a few hundred bytes arrives on loopback as one read.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final AtomicInteger clientWrites = new AtomicInteger();
    private final Thread acceptor;
    private final Map<String, String> database;
    private final String path;

    /** A proxy in front of a new, empty PostgreSQL database ({@link TestDatabases#postgres}). */
    public static CountingProxy toNewPostgres() throws IOException {
        Map<String, String> db = TestDatabases.postgres();
        URI target = URI.create(db.get("agentgrid.db.url").substring("jdbc:".length()));
        return new CountingProxy(target.getHost(), target.getPort(), target.getPath(), db);
    }

    /** The one connection the proxy forwards. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + path,
                database.get("agentgrid.db.user"), database.get("agentgrid.db.password"));
    }

    /** A connection to the same database that does not go through the proxy (not counted). */
    public Connection connectDirectly() throws SQLException {
        return DriverManager.getConnection(database.get("agentgrid.db.url"), database.get("agentgrid.db.user"),
                database.get("agentgrid.db.password"));
    }

    private CountingProxy(String host, int port, String path, Map<String, String> database) throws IOException {
        this.path = path;
        this.database = database;
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
