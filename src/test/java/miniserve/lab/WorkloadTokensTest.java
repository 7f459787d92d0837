package miniserve.lab;

import miniserve.loadtest.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadTokensTest {

    @TempDir Path dir;

    @Test
    void percentilesAndCoverageOfSortedCounts() {
        int[] counts = new int[100];
        for (int i = 0; i < 100; i++) counts[i] = i + 1; // 1..100 tokens
        WorkloadTokens t = WorkloadTokens.of(counts, 51);
        assertThat(t.p50()).isEqualTo(50);
        assertThat(t.p95()).isEqualTo(95);
        assertThat(t.max()).isEqualTo(100);
        assertThat(t.mean()).isEqualTo(50.5);
        assertThat(t.coveredByMaxTokens()).isEqualTo(0.50); // 1..50 tokens plus the end token fit in 51
    }

    @Test
    void theProjectsTokenizerCountsTheWorkload() {
        Workload w = Workload.of(List.of("She go to school yesterday.", "A"));
        WorkloadTokens t = WorkloadTokens.measure(w, Path.of("weights"), 64);
        assertThat(t).isNotNull();
        assertThat(t.sentences()).isEqualTo(2);
        assertThat(t.max()).isBetween(2, 27);  // at least a token per word, at most one per byte
        assertThat(t.coveredByMaxTokens()).isEqualTo(1.0);
        assertThat(WorkloadTokens.measure(w, dir, 64)).isNull(); // no tokenizer there
    }
}
