package miniserve.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sentences no training text may hold: UD dev and test (the synthetic evaluation, preservation
 * and tuning sets), JFLEG's sources and references, and the hand-written beginner sentences of
 * {@code beginner-test/} with their corrections. They are compared by {@link #key}, so that
 * tokenised text ("do n't") meets printed text ("don't").
 */
public final class HeldOutSentences {

    private HeldOutSentences() {}

    /** Lower-case letters and digits alone. */
    public static String key(String sentence) {
        StringBuilder b = new StringBuilder();
        sentence.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** The keys of the held-out sentences under {@code data} (ud-ewt/dev.txt, ud-ewt/test.txt, jfleg-dev/*, beginner-test/sentences.tsv). */
    public static Set<String> keys(Path data) {
        List<Path> files = new ArrayList<>(List.of(data.resolve("ud-ewt/dev.txt"), data.resolve("ud-ewt/test.txt")));
        try (Stream<Path> jfleg = Files.list(data.resolve("jfleg-dev"))) {
            files.addAll(jfleg.sorted().toList());
            Set<String> keys = new HashSet<>();
            for (Path f : files) for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) keys.add(key(line));
            // the learner's sentence and each correction: columns 1 and 2 of miniserve.eval.BeginnerSet's format, read
            // here rather than through BeginnerSet, which synth may not use (PackageDependencyTest)
            Path beginner = data.resolve("beginner-test/sentences.tsv");
            for (String line : Files.readAllLines(beginner, StandardCharsets.UTF_8)) {
                if (line.startsWith("#")) continue;
                String[] cols = line.split("\t");
                keys.add(key(cols[0]));
                if (cols.length > 1) for (String c : cols[1].split(" \\| ")) keys.add(key(c));
            }
            keys.remove("");
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the held-out sentences under " + data + ": " + e.getMessage(), e);
        }
    }
}
