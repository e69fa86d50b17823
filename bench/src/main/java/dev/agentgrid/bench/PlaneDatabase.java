package dev.agentgrid.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh, empty database for one control plane: an embedded H2 directory, or a new database on
 * a PostgreSQL server (made with {@code createdb}, dropped with {@code dropdb}, which must be on
 * the PATH), so that the plane runs its migrations on start. Reusing one for a second start
 * measures a warm start.
 */
final class PlaneDatabase implements AutoCloseable {
    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+)(\\?.*)?");

    private final String kind;
    private final Map<String, String> env;
    private final Path h2Dir;
    private final String[] pgServer;
    private final String pgName;

    private PlaneDatabase(String kind, Map<String, String> env, Path h2Dir, String[] pgServer, String pgName) {
        this.kind = kind;
        this.env = env;
        this.h2Dir = h2Dir;
        this.pgServer = pgServer;
        this.pgName = pgName;
    }

    /**
     * A new database like {@code dbUrl}: empty or "h2" for an embedded H2 directory; a PostgreSQL
     * JDBC URL for a new database on that server (its database name is used as a prefix).
     */
    static PlaneDatabase fresh(String dbUrl, String dbUser) throws IOException, InterruptedException {
        if (dbUrl == null || dbUrl.isEmpty() || dbUrl.equals("h2")) {
            Path dir = Files.createTempDirectory("agentgrid-bench-h2-");
            return new PlaneDatabase("h2", Map.of("AGENTGRID_DATA_DIR", dir.toString()), dir, null, null);
        }
        Matcher m = POSTGRES.matcher(dbUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("--db-url must be h2 or jdbc:postgresql://host[:port]/name, got " + dbUrl);
        }
        String host = m.group(1);
        String port = m.group(2) == null ? "5432" : m.group(2);
        String name = m.group(3) + "_bench_" + Long.toString(System.nanoTime(), 36);
        String[] server = {"-h", host, "-p", port, "-U", dbUser};
        run("createdb", server, name);
        Map<String, String> env = new HashMap<>();
        env.put("AGENTGRID_DB_URL", "jdbc:postgresql://" + host + ":" + port + "/" + name
                + (m.group(4) == null ? "" : m.group(4)));
        env.put("AGENTGRID_DB_USER", dbUser);
        return new PlaneDatabase("postgresql", Map.copyOf(env), null, server, name);
    }

    /** "h2" or "postgresql". */
    String kind() {
        return kind;
    }

    /** The plane's environment variables that select this database. */
    Map<String, String> env() {
        return env;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (h2Dir != null) {
            JavaProcess.deleteTree(h2Dir);
        } else {
            run("dropdb", pgServer, "--if-exists", pgName);
        }
    }

    private static void run(String tool, String[] server, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[1 + server.length + args.length];
        cmd[0] = tool;
        System.arraycopy(server, 0, cmd, 1, server.length);
        System.arraycopy(args, 0, cmd, 1 + server.length, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }
}
