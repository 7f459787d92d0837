package miniserve.history;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The learners' error history in a SQL database: a SQLite file (the default, one machine) or
 * PostgreSQL (shared by several replicas). One row per error of an answered correction; each
 * learner keeps their newest {@link #KEPT_ERRORS}. Flyway creates and migrates the schema from
 * {@code db/history/sqlite} or {@code db/history/postgresql} on the class path.
 *
 * <p>Not thread-safe: one connection, used by one thread at a time (the {@link HistoryWriter}'s).
 * Every method works inside the current transaction; {@link #commit} ends it.
 */
public final class HistoryDatabase implements AutoCloseable {

    /** Errors kept per learner: the newest, the older ones deleted as new ones arrive. */
    public static final int KEPT_ERRORS = 50;
    /** Error types {@link #record} and {@link #mostFrequent} return. */
    public static final int TOP = 3;
    /** Read by {@link #open} when set: the database password, kept out of the command line. */
    public static final String PASSWORD_ENV = "MINISERVE_HISTORY_PASSWORD";

    private static final String INSERT =
            "INSERT INTO learner_error (learner_id, answer_id, error_type) VALUES (?, ?, ?)";
    // Ties go to the type seen most recently.
    private static final String MOST_FREQUENT =
            "SELECT error_type, COUNT(*) AS n, MAX(id) AS latest FROM"
                    + " (SELECT id, error_type FROM learner_error WHERE learner_id = ? ORDER BY id DESC LIMIT "
                    + KEPT_ERRORS + ") recent"
                    + " GROUP BY error_type ORDER BY n DESC, latest DESC LIMIT " + TOP;
    private static final String PRUNE =
            "DELETE FROM learner_error WHERE learner_id = ? AND id < (SELECT MIN(id) FROM"
                    + " (SELECT id FROM learner_error WHERE learner_id = ? ORDER BY id DESC LIMIT " + KEPT_ERRORS + ") newest)";
    private static final String RETRACT = "DELETE FROM learner_error WHERE learner_id = ? AND answer_id = ?";

    /** How often a learner made one type of error among their kept errors. */
    public record ErrorCount(String type, int count) {}

    private final String url;
    private final String password;
    private Connection connection;
    private PreparedStatement insert, mostFrequent, prune, retract;

    private HistoryDatabase(String url, String password) throws SQLException {
        this.url = url;
        this.password = password;
        connect();
    }

    /** {@code $XDG_DATA_HOME/miniserve/history.db}, else {@code ~/.local/share/miniserve/history.db}: outside any checkout. */
    public static Path defaultFile() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return data.resolve("miniserve").resolve("history.db");
    }

    /** The JDBC URL of a SQLite file. */
    public static String sqliteUrl(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /** Opens (creating the directories and the file if needed) and migrates a SQLite file. */
    public static HistoryDatabase openSqlite(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (dir != null) Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the learner history " + file + ": " + e.getMessage(), e);
        }
        return open(sqliteUrl(file));
    }

    /**
     * Opens a database by JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB?user=NAME};
     * the password from {@value #PASSWORD_ENV} when set) and brings its schema up to date.
     *
     * @throws IllegalArgumentException for another kind of URL, or a database that cannot be reached or migrated
     *                                  (the message says which, in one line)
     */
    public static HistoryDatabase open(String url) {
        String vendor = url.startsWith("jdbc:sqlite:") ? "sqlite" : url.startsWith("jdbc:postgresql:") ? "postgresql" : null;
        if (vendor == null)
            throw new IllegalArgumentException("the learner history must be SQLite (jdbc:sqlite:FILE) or PostgreSQL "
                    + "(jdbc:postgresql://HOST:PORT/DATABASE?user=NAME), got '" + url + "'");
        String password = System.getenv(PASSWORD_ENV);
        try {
            Flyway.configure()
                    .dataSource(url, null, password)
                    .locations("classpath:db/history/" + vendor)
                    .load()
                    .migrate();
            return new HistoryDatabase(url, password);
        } catch (FlywayException | SQLException e) {
            throw new IllegalArgumentException("cannot open the learner history at " + where(url) + ": " + oneLine(e), e);
        }
    }

    /** The URL this database was opened with. */
    public String url() {
        return url;
    }

    /** Where the history is, for a message: the SQLite file, or the URL without its parameters (they may hold a password). */
    public String where() {
        return where(url);
    }

    private static String where(String url) {
        return url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : url.replaceFirst("\\?.*", "");
    }

    /** Whether this is a SQLite file (one writer at a time) rather than a server. */
    public boolean sqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    /**
     * Adds one answer's errors (in the order of its edits; none is fine) to the learner's history
     * and returns the learner's most frequent types among their newest {@link #KEPT_ERRORS}, this
     * answer's included: most frequent first, ties to the most recently seen.
     */
    public List<ErrorCount> record(String learnerId, String answerId, List<String> errorTypes) throws SQLException {
        if (!errorTypes.isEmpty()) {
            for (String type : errorTypes) {
                insert.setString(1, learnerId);
                insert.setString(2, answerId);
                insert.setString(3, type);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return mostFrequent(learnerId);
    }

    /** The learner's most frequent error types, as {@link #record} returns them, recording nothing. */
    public List<ErrorCount> mostFrequent(String learnerId) throws SQLException {
        mostFrequent.setString(1, learnerId);
        List<ErrorCount> out = new ArrayList<>(TOP);
        try (ResultSet rs = mostFrequent.executeQuery()) {
            while (rs.next()) out.add(new ErrorCount(rs.getString(1), rs.getInt(2)));
        }
        return out;
    }

    /** Deletes the learner's errors older than their newest {@link #KEPT_ERRORS}. */
    public void prune(String learnerId) throws SQLException {
        prune.setString(1, learnerId);
        prune.setString(2, learnerId);
        prune.executeUpdate();
    }

    /** Removes one answer's errors again (its answer could not be sent). */
    public void retract(String learnerId, String answerId) throws SQLException {
        retract.setString(1, learnerId);
        retract.setString(2, answerId);
        retract.executeUpdate();
    }

    public void commit() throws SQLException {
        connection.commit();
    }

    /** Before a transaction: opens the connection again if {@link #recover} lost it. */
    void begin() throws SQLException {
        if (connection == null) connect();
    }

    /** After a failed transaction: rolls it back, or drops a broken connection for {@link #begin} to replace. */
    void recover() {
        try {
            if (connection != null) {
                connection.rollback();
                if (connection.isValid(2)) return;
            }
        } catch (SQLException ignored) {
            // the connection is broken: dropped below
        }
        closeQuietly();
    }

    private void connect() throws SQLException {
        Properties props = new Properties();
        if (password != null) props.setProperty("password", password);
        if (!sqlite()) {
            // A server that stops answering fails the writer's transaction instead of holding it forever
            // (parameters in the URL take precedence).
            props.setProperty("connectTimeout", "5");
            props.setProperty("socketTimeout", "30");
            props.setProperty("ApplicationName", "miniserve");
        }
        Connection c = DriverManager.getConnection(url, props);
        try {
            if (sqlite()) {
                try (Statement s = c.createStatement()) {
                    // WAL: readers (another process on the same file) never block the writer; NORMAL
                    // syncs at checkpoints, so a commit survives a crash of the process, if not of the machine.
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("PRAGMA busy_timeout=10000");
                }
            }
            c.setAutoCommit(false);
            insert = c.prepareStatement(INSERT);
            mostFrequent = c.prepareStatement(MOST_FREQUENT);
            prune = c.prepareStatement(PRUNE);
            retract = c.prepareStatement(RETRACT);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        connection = c;
    }

    private void closeQuietly() {
        try {
            if (connection != null) connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
        connection = null;
    }

    @Override
    public void close() {
        if (connection == null) return;
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // nothing was pending, or the connection is gone
        }
        closeQuietly();
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.toString() : root.getMessage();
        return msg.strip().replaceAll("\\s+", " ");
    }
}
