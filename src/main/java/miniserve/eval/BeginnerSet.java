package miniserve.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import miniserve.language.ErrorType;

/**
 * Held-out beginner sentences: sentences of the kind the tutor is for, each with its correction
 * (or corrections) and the kinds of error it holds, and correct ones that must come back unchanged.
 * Written by hand for evaluation only, apart from the generated beginner sentences the trainer
 * reads. One line a sentence, tab-separated: the learner's sentence, its correction (alternatives
 * separated by {@code " | "}), and the error types ({@link ErrorType} names, comma-separated) or
 * {@code clean}; lines starting with {@code #} are comments.
 */
public record BeginnerSet(List<Item> items) {

    /** One sentence: {@code types} is empty when it is correct (then {@code corrections} is the sentence itself). */
    public record Item(String learner, List<String> corrections, Set<ErrorType> types) {
        public Item {
            corrections = List.copyOf(corrections);
            types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
        }

        public boolean clean() {
            return types.isEmpty();
        }

        /** Whether {@code answer} is one of the corrections, runs of whitespace collapsed. */
        public boolean fixedBy(String answer) {
            String a = Evaluation.normalize(answer);
            return corrections.stream().anyMatch(c -> Evaluation.normalize(c).equals(a));
        }
    }

    public BeginnerSet {
        items = List.copyOf(items);
    }

    public List<String> sentences() {
        return items.stream().map(Item::learner).toList();
    }

    /** Reads the file; a malformed line is an {@link IllegalArgumentException} naming the file and line. */
    public static BeginnerSet load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Item> items = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) continue;
            String where = file + " line " + (n + 1);
            String[] cols = line.split("\t", -1);
            if (cols.length != 3) throw new IllegalArgumentException(where + ": expected 3 tab-separated columns, got " + cols.length);
            String learner = cols[0].strip();
            List<String> corrections = Arrays.stream(cols[1].split(" \\| ")).map(String::strip).toList();
            if (learner.isEmpty() || corrections.stream().anyMatch(String::isEmpty))
                throw new IllegalArgumentException(where + ": empty sentence or correction");
            Set<ErrorType> types = EnumSet.noneOf(ErrorType.class);
            String typeColumn = cols[2].strip();
            if (!typeColumn.equals("clean")) {
                for (String t : typeColumn.split(",")) {
                    try {
                        types.add(ErrorType.valueOf(t.strip().toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ": unknown error type '" + t.strip() + "' (known: clean, "
                                + Arrays.toString(ErrorType.values()).replaceAll("[\\[\\]]", "") + ")");
                    }
                }
            }
            if (types.isEmpty() ? !corrections.equals(List.of(learner)) : corrections.contains(learner))
                throw new IllegalArgumentException(where + (types.isEmpty()
                        ? ": a clean sentence's correction must be the sentence itself"
                        : ": a sentence with errors needs a correction that differs from it"));
            items.add(new Item(learner, corrections, types));
        }
        if (items.isEmpty()) throw new IllegalArgumentException(file + " holds no sentences");
        return new BeginnerSet(items);
    }
}
