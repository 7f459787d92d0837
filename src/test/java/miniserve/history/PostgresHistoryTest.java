package miniserve.history;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The learner history in a real PostgreSQL server (a throwaway cluster of Debian's package). */
@ExtendWith(PostgresCluster.Extension.class)
class PostgresHistoryTest extends HistoryContract {

    private PostgresCluster cluster;

    @BeforeEach
    void cluster(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    String newUrl() throws SQLException {
        return cluster.newDatabase();
    }

    @Override
    AutoCloseable blockWrites(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE learner_error IN SHARE ROW EXCLUSIVE MODE"); // conflicts with INSERT
        }
        return () -> {
            c.rollback();
            c.close();
        };
    }

    @Test
    void aServerThatIsNotThereIsAOneLineError() {
        assertThatThrownBy(() -> HistoryDatabase.open("jdbc:postgresql://127.0.0.1:1/miniserve?user=miniserve"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot open the learner history at jdbc:postgresql://127.0.0.1:1/")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void twoWritersOnOneDatabaseShareEachLearnersHistory() throws Exception {
        String url = newUrl();
        try (HistoryWriter a = new HistoryWriter(HistoryDatabase.open(url));
             HistoryWriter b = new HistoryWriter(HistoryDatabase.open(url))) {
            a.record("ana", "a1", java.util.List.of("TENSE")).get();
            assertThat(b.record("ana", "b1", java.util.List.of("TENSE", "ARTICLE")).get())
                    .containsExactly(new HistoryDatabase.ErrorCount("TENSE", 2), new HistoryDatabase.ErrorCount("ARTICLE", 1));
        }
    }
}
