package dev.lorehub.node.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from the machine's own binaries (Debian's postgresql, which
 * .ci/run installs when missing), in a fresh cluster under /tmp, listening on 127.0.0.1 only on a
 * free port. PostgreSQL refuses to run as root: as root it runs as the {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "lorehub";

    final Path dir;
    final Path bin;
    private final int port;
    private final Process process;

    private PostgresServer(Path dir, Path bin, int port, Process process) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.process = process;
    }

    /** The directory holding initdb, postgres and pg_ctl, or null when PostgreSQL is not installed. */
    public static Path binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path best = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(p -> versionOf(p.getParent().getFileName().toString()))).orElse(null);
                if (best != null) {
                    return best;
                }
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d, "pg_ctl");
            if (Files.isExecutable(p)) {
                try {
                    return p.toRealPath().getParent();
                } catch (IOException e) {
                    return p.getParent();
                }
            }
        }
        return null;
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Why a server cannot be started here, or null if it can. */
    public static String unavailable() {
        if (binaries() == null) {
            return "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)";
        }
        if (root() && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return "running as root without runuser: PostgreSQL refuses to run as root";
        }
        return null;
    }

    private static List<String> as(List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private static void run(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(as(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    public static PostgresServer start() throws Exception {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("lorehub-pg-");
        Path data = dir.resolve("data");
        if (root()) {
            new ProcessBuilder("chown", "postgres", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync"), dir.resolve("initdb.log"));
        int port = Loopback.freePort();
        Process p = new ProcessBuilder(as(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
            String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")))
            .redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
        PostgresServer server = new PostgresServer(dir, bin, port, p);
        try {
            Loopback.awaitListening(port, Duration.ofSeconds(60), p);
            return server;
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException(e.getMessage() + "; log: " + Files.readString(dir.resolve("postgres.log")), e);
        }
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        return p;
    }

    /** Creates a fresh database and returns its name. */
    public String createDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(url("postgres"), properties()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** A plain-text dump of a database (bytea written as escaped text, so readable bytes show as they are). */
    public String dump(String database) throws Exception {
        Path out = dir.resolve("dump-" + database + ".sql");
        List<String> cmd = List.of(bin.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER,
            "--no-owner", "-f", out.toString(), database);
        ProcessBuilder pb = new ProcessBuilder(as(cmd)).redirectErrorStream(true).redirectOutput(dir.resolve("pg_dump.log").toFile());
        pb.environment().put("PGOPTIONS", "-c bytea_output=escape");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pg_dump failed: " + Files.readString(dir.resolve("pg_dump.log")));
        }
        return Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w"),
                dir.resolve("stop.log"));
        } catch (Exception e) {
            // fall back to the process handle
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
