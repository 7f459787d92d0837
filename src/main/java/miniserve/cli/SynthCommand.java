package miniserve.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import miniserve.language.ErrorType;
import miniserve.language.Lexicon;
import miniserve.synth.BeginnerSentences;
import miniserve.synth.HeldOutSentences;
import miniserve.synth.InjectedError;
import miniserve.synth.SyntheticErrors;
import miniserve.synth.TrainingPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./miniserve synth ...}: look at the synthetic learner sentences and write the load-test workload. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Synthetic learner sentences: clean UD English with recorded errors injected.",
                "pairs: print pairs to inspect; stats: error rates of the training text; workload: write the load-test file;",
                "beginner: write clean sentences of the kinds beginners write, for train --extra-text."},
        subcommands = {SynthCommand.Pairs.class, SynthCommand.Stats.class, SynthCommand.Workload.class, SynthCommand.Beginner.class})
public final class SynthCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static List<String> readClean(Path source) {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("no such file: " + source + " (run from the project directory or pass --source)");
        }
        List<String> clean = new SyntheticErrors().readClean(source);
        if (clean.isEmpty()) throw new IllegalArgumentException("no usable sentences in " + source);
        return clean;
    }

    /** The error mix of the pairs, as {@code train --error-profile} names it. */
    static final class ProfileOption {
        @Option(names = "--error-profile", paramLabel = "NAME", defaultValue = "original",
                description = "Which synthetic errors, as train --error-profile: original, learner-1, learner, learner-2 or learner-3 (default: ${DEFAULT-VALUE}).")
        String name;

        SyntheticErrors errors() {
            return new SyntheticErrors(Lexicon.standard(), SyntheticErrors.Profile.named(name));
        }
    }

    @Command(name = "pairs", mixinStandardHelpOptions = true,
            description = "Print (learner sentence, correction) pairs with the errors that were injected.")
    static final class Pairs implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "20", description = "How many pairs (default: ${DEFAULT-VALUE}).")
        int n;
        @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same pairs (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--source", defaultValue = "data/ud-ewt/train.txt",
                description = "Clean sentences, one per line (default: ${DEFAULT-VALUE}).")
        Path source;
        @Option(names = "--offset", defaultValue = "0", description = "Index of the first usable sentence (default: ${DEFAULT-VALUE}).")
        int offset;
        @Mixin
        ProfileOption profile;

        @Override
        public Integer call() {
            if (n < 0 || offset < 0) throw new IllegalArgumentException("--n and --offset must be >= 0");
            List<String> clean = readClean(source);
            int to = Math.min(clean.size(), offset + n);
            SyntheticErrors gen = profile.errors();
            PrintStream out = System.out;
            for (int i = offset; i < to; i++) {
                TrainingPair p = gen.corrupt(clean.get(i), SyntheticErrors.randomFor(seed, i));
                out.println("learner: " + p.source());
                out.println("correct: " + p.target());
                if (p.unchanged()) out.println("  (no error)");
                for (InjectedError e : p.errors()) {
                    out.printf("  %-14s tokens [%d,%d)  '%s' -> '%s'%n", e.type(), e.start(), e.end(), e.original(), e.replacement());
                }
                out.println();
            }
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Share of unchanged pairs, errors per word and the mix of error types over a sample.")
    static final class Stats implements Callable<Integer> {
        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--source", defaultValue = "data/ud-ewt/train.txt",
                description = "Clean sentences, one per line (default: ${DEFAULT-VALUE}).")
        Path source;
        @Mixin
        ProfileOption profile;

        @Override
        public Integer call() {
            List<String> clean = readClean(source);
            List<TrainingPair> pairs = profile.errors().pairs(clean, seed);
            long words = 0, errors = 0, unchanged = 0;
            Map<ErrorType, Integer> byType = new EnumMap<>(ErrorType.class);
            int[] perSentence = new int[6];
            for (TrainingPair p : pairs) {
                words += SyntheticErrors.wordCount(p.target());
                errors += p.errors().size();
                if (p.unchanged()) unchanged++;
                perSentence[p.errors().size()]++;
                for (InjectedError e : p.errors()) byType.merge(e.type(), 1, Integer::sum);
            }
            System.out.printf("usable sentences: %d of %s%n", pairs.size(), source);
            System.out.printf("unchanged pairs:  %.1f%%%n", 100.0 * unchanged / pairs.size());
            System.out.printf("errors per word:  %.4f (1 per %.1f words)%n", (double) errors / words, (double) words / errors);
            System.out.printf("words per sentence: %.1f%n", (double) words / pairs.size());
            for (int k = 0; k < perSentence.length; k++) System.out.printf("  %d errors: %5.1f%%%n", k, 100.0 * perSentence[k] / pairs.size());
            for (var e : byType.entrySet()) System.out.printf("  %-14s %5.1f%%%n", e.getKey(), 100.0 * e.getValue() / errors);
            return 0;
        }
    }

    @Command(name = "workload", mixinStandardHelpOptions = true,
            description = {"Write the load-test workload: held-out UD dev sentences with synthetic errors.",
                    "One sentence per line, in a fixed shuffled order (so lengths are mixed), noised with a fixed seed."})
    static final class Workload implements Callable<Integer> {
        @Option(names = "--source", defaultValue = "data/ud-ewt/dev.txt",
                description = "Held-out clean sentences (default: ${DEFAULT-VALUE}); never the training text.")
        Path source;
        @Option(names = "--out", defaultValue = "data/workload/learner-sentences.txt", description = "Output file (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--count", defaultValue = "1000", description = "Number of sentences (default: ${DEFAULT-VALUE}).")
        int count;
        @Option(names = "--max-words", defaultValue = "40", description = "Longest sentence in words (default: ${DEFAULT-VALUE}).")
        int maxWords;
        @Option(names = "--seed", defaultValue = "20240601", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            if (count <= 0) throw new IllegalArgumentException("--count must be positive");
            if (maxWords < SyntheticErrors.MIN_WORDS) throw new IllegalArgumentException("--max-words must be at least " + SyntheticErrors.MIN_WORDS);
            if (!Files.isRegularFile(source)) throw new IllegalArgumentException("no such file: " + source);
            List<String> lines = workload(Files.readAllLines(source, StandardCharsets.UTF_8), count, maxWords, seed);
            if (lines.size() < count) {
                throw new IllegalArgumentException("only " + lines.size() + " sentences of at most " + maxWords + " words in " + source);
            }
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            Files.write(out, lines, StandardCharsets.UTF_8);
            System.out.printf("wrote %d learner sentences to %s%n", lines.size(), out);
            return 0;
        }
    }

    @Command(name = "beginner", mixinStandardHelpOptions = true,
            description = {"Write clean sentences of the kinds beginners write, made by a small grammar, for train --extra-text.",
                    "Each has a subject, an everyday activity and a time word that fits the tense; one per line, gzip if --out ends in .gz.",
                    "Sentences held out for evaluation (UD dev and test, JFLEG) are left out."})
    static final class Beginner implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "30000", description = "How many different sentences (default: ${DEFAULT-VALUE}).")
        int n;
        @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same file (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--out", defaultValue = "data/beginner/sentences.txt.gz", description = "Output file (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--data", defaultValue = "data",
                description = "Folder with the held-out sets to leave out: ud-ewt/dev.txt, ud-ewt/test.txt, jfleg-dev/, beginner-test/ (default: ${DEFAULT-VALUE}).")
        Path data;

        @Override
        public Integer call() throws IOException {
            if (n <= 0) throw new IllegalArgumentException("--n must be positive");
            if (!Files.isDirectory(data.resolve("jfleg-dev"))) {
                throw new IllegalArgumentException("no held-out sets under " + data + " (run from the project directory or pass --data)");
            }
            Set<String> heldOut = HeldOutSentences.keys(data);
            List<String> sentences = new BeginnerSentences(Lexicon.standard()).generate(n, seed, s -> heldOut.contains(HeldOutSentences.key(s)));
            if (sentences.size() < n) throw new IllegalArgumentException("the grammar made only " + sentences.size() + " different sentences");
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            try (OutputStream raw = Files.newOutputStream(out);
                 OutputStream o = out.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
                 Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8)) {
                for (String s : sentences) w.write(s + "\n");
            }
            System.out.printf("wrote %d sentences to %s%n", sentences.size(), out);
            return 0;
        }
    }

    /**
     * The workload: {@code count} plausible input lines of at most {@code maxWords} words (web text as it
     * is, not only the clean sentences training uses), in a seeded shuffle, noised.
     */
    static List<String> workload(List<String> lines, int count, int maxWords, long seed) {
        List<String> pool = new ArrayList<>();
        for (String line : lines) {
            String s = line.strip();
            if (SyntheticErrors.plausibleInput(s) && SyntheticErrors.wordCount(s) <= maxWords) pool.add(s);
        }
        java.util.SplittableRandom shuffle = new java.util.SplittableRandom(seed);
        for (int i = pool.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            String t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        List<TrainingPair> pairs = new SyntheticErrors().pairs(pool.subList(0, Math.min(count, pool.size())), seed);
        List<String> out = new ArrayList<>();
        for (TrainingPair p : pairs) out.add(p.source());
        return out;
    }
}
