package miniserve.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A fixed pool of learner sentences read from a file (one per line) and the deterministic
 * request sequences drawn from it. The same file, seed and count always give the same requests,
 * so two runs (or two server configurations) are measured on exactly the same work.
 */
public final class Workload {

    /** Held-out UD dev sentences with synthetic learner errors, one per line. */
    public static final Path DEFAULT_FILE = Path.of("data/workload/learner-sentences.txt");
    /** Held-out clean UD dev sentences: the stand-in when the learner workload is not there. */
    public static final Path FALLBACK_FILE = Path.of("data/ud-ewt/dev.txt");
    /** Requests carry one of this many learner ids, so per-learner history is exercised but bounded. */
    public static final int LEARNERS = 20;
    /**
     * Longer sentences are left out by default: a tutor's input is a sentence or two, and the lab's fixed
     * {@code max_tokens} is sized for corrections of that length (the learner workload has none longer).
     */
    public static final int DEFAULT_MAX_WORDS = 40;

    /** One request's payload. */
    public record Item(String sentence, String learnerId) {}

    private final Path file;
    private final List<String> sentences;
    private final int maxWords;
    private final int skipped;
    private final int tooLongForModel;

    private Workload(Path file, List<String> sentences, int maxWords, int skipped, int tooLongForModel) {
        this.file = file;
        this.sentences = List.copyOf(sentences);
        this.maxWords = maxWords;
        this.skipped = skipped;
        this.tooLongForModel = tooLongForModel;
    }

    /**
     * Reads a workload file. Blank lines and lines with no letter (UD's {@code ***} separators) are
     * skipped; with {@code maxWords > 0}, so are sentences longer than that many words.
     */
    public static Workload load(Path file, int maxWords) {
        if (maxWords < 0) throw new IllegalArgumentException("max words must be >= 0 (0 = no limit), got " + maxWords);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("workload file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read workload file " + file, e);
        }
        List<String> kept = new ArrayList<>();
        int skipped = 0;
        for (String raw : lines) {
            String s = raw.strip();
            if (s.isEmpty() || s.codePoints().noneMatch(Character::isLetter)) continue;
            if (maxWords > 0 && wordCount(s) > maxWords) {
                skipped++;
                continue;
            }
            kept.add(s);
        }
        if (kept.isEmpty())
            throw new IllegalArgumentException("workload file " + file + " has no usable sentence"
                    + (maxWords > 0 ? " of at most " + maxWords + " words" : ""));
        return new Workload(file, kept, maxWords, skipped, 0);
    }

    /**
     * The workload file to use: {@code requested} when given; else the learner workload; else, with a
     * warning, the held-out clean UD dev sentences (for checkouts that do not have the learner file yet).
     * {@code inProject} places those two, relative to the project, where the project is.
     */
    public static Path resolveFile(Path requested, UnaryOperator<Path> inProject, Consumer<String> warn) {
        if (requested != null) return requested;
        Path learner = inProject.apply(DEFAULT_FILE), clean = inProject.apply(FALLBACK_FILE);
        if (Files.isRegularFile(learner)) return learner;
        if (Files.isRegularFile(clean)) {
            warn.accept("workload " + learner + " not found; using " + clean
                    + " (held-out clean sentences) instead; pass --workload FILE to choose");
            return clean;
        }
        throw new IllegalArgumentException("no workload file: neither " + learner + " nor " + clean
                + " exists (pass --workload FILE)");
    }

    /** A workload over given sentences (tests, or a caller that built its own list). */
    public static Workload of(List<String> sentences) {
        if (sentences.isEmpty()) throw new IllegalArgumentException("a workload needs at least one sentence");
        return new Workload(null, sentences, 0, 0, 0);
    }

    static int wordCount(String s) {
        return s.isBlank() ? 0 : s.strip().split("\\s+").length;
    }

    /**
     * {@code n} requests drawn from the seed: the sentences in a seeded random order, each used once
     * before any repeats (so the mix of lengths follows the file), each with a seeded learner id.
     */
    public List<Item> draw(long seed, int n) {
        if (n < 0) throw new IllegalArgumentException("cannot draw " + n + " requests");
        SplittableRandom rnd = new SplittableRandom(seed);
        int size = sentences.size();
        int[] order = new int[size];
        List<Item> items = new ArrayList<>(n);
        int pos = size;
        for (int i = 0; i < n; i++) {
            if (pos == size) { // a fresh permutation for every pass over the file
                for (int k = 0; k < size; k++) order[k] = k;
                for (int k = size - 1; k > 0; k--) {
                    int j = rnd.nextInt(k + 1);
                    int t = order[k]; order[k] = order[j]; order[j] = t;
                }
                pos = 0;
            }
            items.add(new Item(sentences.get(order[pos++]), "learner-" + rnd.nextInt(LEARNERS)));
        }
        return items;
    }

    /** The file this workload was read from, or null if it was built in memory. */
    public Path file() { return file; }

    public List<String> sentences() { return sentences; }

    public int size() { return sentences.size(); }

    /** The word limit applied when reading (0 = none). */
    public int maxWords() { return maxWords; }

    /** Sentences dropped for being longer than {@link #maxWords()}. */
    public int skipped() { return skipped; }

    /**
     * This workload without the sentences the model cannot take (a server would answer them 413,
     * which measures nothing about batching).
     */
    public Workload withoutTooLong(Predicate<String> fitsModel) {
        List<String> kept = sentences.stream().filter(fitsModel).toList();
        if (kept.isEmpty()) throw new IllegalArgumentException("no sentence of the workload fits the model");
        return new Workload(file, kept, maxWords, skipped, tooLongForModel + sentences.size() - kept.size());
    }

    /** Sentences dropped by {@link #withoutTooLong} for being longer than the model takes. */
    public int tooLongForModel() { return tooLongForModel; }

    public String describe() {
        return (file == null ? "in-memory" : file.toString()) + " (" + size() + " sentences"
                + (maxWords > 0 ? ", at most " + maxWords + " words, " + skipped + " longer skipped" : "")
                + (tooLongForModel > 0 ? ", " + tooLongForModel + " too long for the model skipped" : "") + ")";
    }
}
