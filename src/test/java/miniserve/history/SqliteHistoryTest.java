package miniserve.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The learner history in a real SQLite file. */
class SqliteHistoryTest extends HistoryContract {

    @TempDir
    Path tmp;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    String newUrl() {
        return HistoryDatabase.sqliteUrl(tmp.resolve("history-" + files.incrementAndGet() + ".db"));
    }

    @Override
    AutoCloseable blockWrites(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // the one write lock of the file, until rolled back
        }
        return () -> {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            }
            c.close();
        };
    }

    @Test
    void theFileAndItsDirectoriesAreCreated() throws Exception {
        Path file = tmp.resolve("a/b/history.db");
        try (HistoryDatabase db = HistoryDatabase.openSqlite(file)) {
            assertThat(db.sqlite()).isTrue();
            db.record("ana", "1", java.util.List.of("TENSE"));
            db.commit();
        }
        assertThat(Files.size(file)).isPositive();
    }

    @Test
    void theDefaultFileIsUnderTheUsersDataDirectoryNotTheCheckout() {
        Path f = HistoryDatabase.defaultFile();
        assertThat(f.toString()).endsWith("miniserve/history.db");
        assertThat(f.isAbsolute()).isTrue();
        assertThat(f.startsWith(Path.of("").toAbsolutePath())).isFalse();
    }

    @Test
    void otherDatabasesAndUnreachableOnesAreOneLineErrors() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir.txt"), "a file where a directory should be");
        assertThatThrownBy(() -> HistoryDatabase.open("jdbc:mysql://localhost/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SQLite").hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> HistoryDatabase.openSqlite(file.resolve("history.db")))
                .hasMessageContaining("not-a-dir.txt").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
