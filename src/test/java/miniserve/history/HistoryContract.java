package miniserve.history;

import miniserve.history.HistoryDatabase.ErrorCount;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the learner history does, run against each real database (SQLite file, PostgreSQL server):
 * ranking, retention, retraction, restarts, migrations and the writer's batching.
 */
abstract class HistoryContract {

    /** A fresh, empty database. */
    abstract String newUrl() throws Exception;

    /**
     * Holds a lock, from another connection, that keeps the writer from inserting until closed:
     * the writer then sits inside its first transaction while the test queues more.
     */
    abstract AutoCloseable blockWrites(String url) throws SQLException;

    static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<ErrorCount> get(CompletableFuture<List<ErrorCount>> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static void awaitTaken(HistoryWriter writer) throws InterruptedException {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writer.queued() > 0 && System.nanoTime() < guard) Thread.sleep(1);
        assertThat(writer.queued()).as("the writer took the first operation").isZero();
        Thread.sleep(50); // and reached the lock
    }

    @Test
    void theMostFrequentTypesComeFirstAndTiesGoToTheMostRecent() throws Exception {
        try (HistoryDatabase db = HistoryDatabase.open(newUrl())) {
            assertThat(db.record("ana", "a1", List.of("TENSE", "ARTICLE"))).containsExactly(
                    new ErrorCount("ARTICLE", 1), new ErrorCount("TENSE", 1));
            db.record("ana", "a2", List.of("TENSE", "SPELLING", "PRONOUN"));
            assertThat(db.record("ana", "a3", List.of())).containsExactly(
                    new ErrorCount("TENSE", 2), new ErrorCount("PRONOUN", 1), new ErrorCount("SPELLING", 1));
            assertThat(db.mostFrequent("bob")).isEmpty();
            db.record("bob", "b1", List.of("ARTICLE"));
            db.commit();
            assertThat(db.mostFrequent("bob")).containsExactly(new ErrorCount("ARTICLE", 1));
            assertThat(db.mostFrequent("ana")).hasSize(HistoryDatabase.TOP);
        }
    }

    @Test
    void aLearnerKeepsOnlyTheirNewestErrors() throws Exception {
        String url = newUrl();
        int older = 30, newer = HistoryDatabase.KEPT_ERRORS;
        try (HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url))) {
            for (int i = 0; i < older; i++) get(writer.record("ana", "old" + i, List.of("ARTICLE")));
            for (int i = 0; i < newer; i++) get(writer.record("ana", "new" + i, List.of("TENSE")));
            get(writer.record("bob", "b", List.of("SPELLING")));
            // The newest 50 of ana's 80: 50 TENSE (the last 50 answers), no ARTICLE left.
            assertThat(get(writer.record("ana", "read", List.of()))).containsExactly(new ErrorCount("TENSE", 50));
        }
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error WHERE learner_id = 'ana'")).isEqualTo(HistoryDatabase.KEPT_ERRORS);
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error WHERE learner_id = 'bob'")).isEqualTo(1);
    }

    @Test
    void aRetractedAnswerLeavesNoTrace() throws Exception {
        String url = newUrl();
        try (HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url))) {
            get(writer.record("ana", "kept", List.of("TENSE")));
            assertThat(get(writer.record("ana", "unsent", List.of("ARTICLE", "ARTICLE")))).containsExactly(
                    new ErrorCount("ARTICLE", 2), new ErrorCount("TENSE", 1));
            writer.retract("ana", "unsent");
            assertThat(get(writer.record("ana", "read", List.of()))).containsExactly(new ErrorCount("TENSE", 1));
        }
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error")).isEqualTo(1);
    }

    @Test
    void theHistorySurvivesClosingAndReopening() throws Exception {
        String url = newUrl();
        List<ErrorCount> before;
        try (HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url))) {
            get(writer.record("ana", "1", List.of("NOUN_NUMBER", "TENSE")));
            before = get(writer.record("ana", "2", List.of("NOUN_NUMBER")));
        }
        assertThat(before).containsExactly(new ErrorCount("NOUN_NUMBER", 2), new ErrorCount("TENSE", 1));
        try (HistoryDatabase again = HistoryDatabase.open(url)) {
            assertThat(again.mostFrequent("ana")).isEqualTo(before);
        }
    }

    @Test
    void theSchemaIsMigratedOnceAndReopeningChangesNothing() throws Exception {
        String url = newUrl();
        HistoryDatabase.open(url).close();
        HistoryDatabase.open(url).close();
        assertThat(count(url, "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version = '1'")).isEqualTo(1);
        assertThat(count(url, "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(1);
    }

    @Test
    void answersQueuedWhileTheWriterIsBusyAreWrittenInOneTransaction() throws Exception {
        String url = newUrl();
        List<CompletableFuture<List<ErrorCount>>> queued = new ArrayList<>();
        try (HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url))) {
            CompletableFuture<List<ErrorCount>> first;
            try (AutoCloseable lock = blockWrites(url)) {
                first = writer.record("ana", "first", List.of("TENSE"));
                awaitTaken(writer);
                for (int i = 0; i < 100; i++) queued.add(writer.record("learner-" + (i % 7), "q" + i, List.of("ARTICLE")));
                assertThat(first).isNotDone();
            }
            get(first);
            for (CompletableFuture<List<ErrorCount>> f : queued) assertThat(get(f)).isNotEmpty();
            assertThat(writer.transactions()).isEqualTo(2);
            assertThat(writer.failures()).isZero();
        }
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error")).isEqualTo(101);
    }

    @Test
    void aFullQueueRefusesAtOnceAndABadOperationFailsOnlyItself() throws Exception {
        String url = newUrl();
        try (HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url), 3)) {
            CompletableFuture<List<ErrorCount>> first, good, bad, alsoGood, refused;
            try (AutoCloseable lock = blockWrites(url)) {
                first = writer.record("ana", "first", List.of("TENSE"));
                awaitTaken(writer);
                good = writer.record("ana", "good", List.of("ARTICLE"));
                bad = writer.record(null, "bad", List.of("ARTICLE")); // NOT NULL: the database refuses it
                alsoGood = writer.record("bob", "also", List.of("SPELLING"));
                refused = writer.record("ana", "refused", List.of("PRONOUN"));
                assertThat(refused).isCompletedExceptionally();
                assertThatThrownBy(refused::join).hasMessageContaining("queue is full");
            }
            get(first);
            assertThat(get(good)).containsExactly(new ErrorCount("ARTICLE", 1), new ErrorCount("TENSE", 1));
            assertThat(get(alsoGood)).containsExactly(new ErrorCount("SPELLING", 1));
            assertThatThrownBy(() -> get(bad)).isInstanceOf(ExecutionException.class);
            assertThat(writer.failures()).isEqualTo(2);
        }
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error")).isEqualTo(3);
    }

    @Test
    void closingWritesEverythingQueuedThenRefuses() throws Exception {
        String url = newUrl();
        HistoryWriter writer = new HistoryWriter(HistoryDatabase.open(url));
        List<CompletableFuture<List<ErrorCount>>> queued = Collections.synchronizedList(new ArrayList<>());
        Thread closer;
        try (AutoCloseable lock = blockWrites(url)) {
            queued.add(writer.record("ana", "0", List.of("TENSE")));
            awaitTaken(writer);
            for (int i = 1; i < 40; i++) queued.add(writer.record("ana", Integer.toString(i), List.of("TENSE")));
            closer = Thread.ofPlatform().start(writer::close);
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!writer.record("bob", "late", List.of("ARTICLE")).isCompletedExceptionally() && System.nanoTime() < guard)
                Thread.sleep(1); // until close() has begun
        }
        closer.join(30_000);
        assertThat(closer.isAlive()).isFalse();
        for (CompletableFuture<List<ErrorCount>> f : queued) assertThat(f).isCompleted();
        assertThat(queued.getLast().join()).containsExactly(new ErrorCount("TENSE", 40));
        assertThat(writer.record("ana", "after", List.of("TENSE"))).isCompletedExceptionally();
        assertThat(count(url, "SELECT COUNT(*) FROM learner_error WHERE learner_id = 'ana'")).isEqualTo(40);
    }
}
