package miniserve.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JFLEG split (Napoles, Sakaguchi and Tetreault, EACL 2017; CC BY-NC-SA 4.0): learner sentences
 * {@code <split>.src} and their human corrections {@code <split>.ref0}, {@code .ref1}, ..., one
 * sentence per line, pre-tokenized. Evaluation only: nothing in the project trains or tunes on it.
 *
 * @param sources    the learner sentences, as in the file
 * @param references one list per reference file, aligned with the sources
 */
public record JflegSet(List<String> sources, List<List<String>> references) {

    /** The dev split shipped in the repository. */
    public static final Path DEV_DIR = Path.of("data/jfleg-dev");

    public JflegSet {
        sources = List.copyOf(sources);
        references = references.stream().map(List::copyOf).toList();
    }

    /** Reads {@code dir/<split>.src} and every {@code dir/<split>.ref<k>} for k = 0, 1, ... */
    public static JflegSet load(Path dir, String split) {
        List<String> sources = readLines(dir.resolve(split + ".src"));
        List<List<String>> refs = new ArrayList<>();
        for (int k = 0; Files.exists(dir.resolve(split + ".ref" + k)); k++) {
            Path file = dir.resolve(split + ".ref" + k);
            List<String> ref = readLines(file);
            if (ref.size() != sources.size())
                throw new IllegalArgumentException(file + " has " + ref.size() + " lines, " + split + ".src " + sources.size());
            refs.add(ref);
        }
        if (refs.isEmpty()) throw new IllegalArgumentException("no references " + split + ".ref0, ... in " + dir);
        return new JflegSet(sources, refs);
    }

    /** The dev split in {@link #DEV_DIR}. */
    public static JflegSet dev() {
        return load(DEV_DIR, "dev");
    }

    /** A GLEU scorer for this set. */
    public Gleu gleu() {
        return new Gleu(sources, references);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("JFLEG file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
