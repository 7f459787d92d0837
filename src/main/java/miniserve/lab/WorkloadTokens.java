package miniserve.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import miniserve.loadtest.Workload;
import miniserve.tokenizer.BpeTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long the workload's sentences are in the model's tokens, and how many of them a fixed
 * {@code max_tokens} can correct in full: a correction about as long as its sentence, plus the end
 * token, must fit. This is what {@code max_tokens} is chosen from (long enough for the corrections,
 * short enough for the sweep's time budget), so the manifest records it.
 *
 * @param mean               mean tokens per sentence, to a tenth
 * @param coveredByMaxTokens the share of sentences a correction of their own length (plus the end token) fits,
 *                           to a thousandth
 */
public record WorkloadTokens(int sentences, double mean, int p50, int p90, int p95, int p99, int max,
                             @JsonProperty("share_whose_same_length_correction_fits_max_tokens") double coveredByMaxTokens) {

    /** Token counts with the tokenizer in {@code weightsDir}, or null if it has none. */
    public static WorkloadTokens measure(Workload workload, Path weightsDir, int maxTokens) {
        Path vocab = weightsDir.resolve("vocab.json"), merges = weightsDir.resolve("merges.txt");
        if (!Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) return null;
        BpeTokenizer tokenizer = BpeTokenizer.load(vocab, merges);
        int[] n = workload.sentences().stream().mapToInt(s -> tokenizer.encode(s).length).sorted().toArray();
        return of(n, maxTokens);
    }

    static WorkloadTokens of(int[] sortedCounts, int maxTokens) {
        int[] n = sortedCounts;
        int fits = 0;
        for (int c : n) if (c + 1 <= maxTokens) fits++;
        double mean = Arrays.stream(n).average().orElse(Double.NaN);
        return new WorkloadTokens(n.length, Math.round(mean * 10) / 10.0, at(n, 50), at(n, 90), at(n, 95), at(n, 99),
                n[n.length - 1], Math.round(fits * 1000.0 / n.length) / 1000.0);
    }

    /** Nearest-rank percentile of sorted values. */
    private static int at(int[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
