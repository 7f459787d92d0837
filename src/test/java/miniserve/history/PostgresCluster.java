package miniserve.history;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests: a throwaway cluster started by
 * {@code deploy/throwaway-postgres.sh} (Debian's {@code initdb} + {@code pg_ctl} in a temporary
 * directory, on a free loopback port), one for the whole test run, stopped and deleted at its end.
 * A test asks for a {@code PostgresCluster} parameter ({@code @ExtendWith(PostgresCluster.Extension.class)})
 * and takes a fresh database of its own with {@link #newDatabase}.
 *
 * <p>Where PostgreSQL is not installed the tests fail, saying how to install it: they never pass
 * without having run.
 */
public final class PostgresCluster implements AutoCloseable {

    static final Path SCRIPT = Path.of("deploy", "throwaway-postgres.sh");

    private final Path dir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static PostgresCluster start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("miniserve-postgres");
        // As root the cluster runs as 'postgres', which must be able to reach its directory inside this one.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("script.out");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "start", dir.resolve("cluster").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the throwaway PostgreSQL did not start within 120 s: " + Files.readString(out));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            deleteTree(dir);
            throw new IllegalStateException("cannot start a throwaway PostgreSQL for the tests: " + String.join(" ", lines));
        }
        return new PostgresCluster(dir, Integer.parseInt(lines.getLast().strip()));
    }

    public int port() {
        return port;
    }

    /** A JDBC URL of the cluster's database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=miniserve";
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("miniserve")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "stop", dir.resolve("cluster").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** Gives tests the run's one cluster, started on first use and closed when the run ends. */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == PostgresCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(PostgresCluster.class))
                    .getOrComputeIfAbsent(PostgresCluster.class, k -> {
                        try {
                            return start();
                        } catch (IOException e) {
                            throw new IllegalStateException("cannot start a throwaway PostgreSQL for the tests: " + e.getMessage(), e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while starting PostgreSQL", e);
                        }
                    }, PostgresCluster.class);
        }
    }
}
