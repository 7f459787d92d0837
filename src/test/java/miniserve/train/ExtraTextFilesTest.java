package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import miniserve.synth.SyntheticErrors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sentence files that data/sentences.py prepared for --extra-text: none of them holds a held-out
 * sentence (UD dev and test, JFLEG), none repeats a sentence, and the trainer's own filter keeps
 * nearly all of their lines (the script applies the same test, so little is shipped for nothing).
 */
class ExtraTextFilesTest {

    static final Path DATA = Path.of("data");
    static final int MAX_WORDS = 60;
    static List<Path> files;
    static Set<String> heldOut;

    @BeforeAll
    static void load() throws IOException {
        files = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(DATA)) {
            for (Path dir : dirs.sorted().toList()) {
                Path derive = dir.resolve("derive.sh"), sentences = dir.resolve("sentences.txt.gz");
                if (Files.isRegularFile(derive) && Files.readString(derive).contains("sentences.py")) {
                    assertThat(sentences).as("%s rebuilds it", derive).isRegularFile();
                    files.add(sentences);
                }
            }
        }
        heldOut = new HashSet<>();
        List<Path> held = new ArrayList<>(List.of(DATA.resolve("ud-ewt/dev.txt"), DATA.resolve("ud-ewt/test.txt")));
        try (Stream<Path> jfleg = Files.list(DATA.resolve("jfleg-dev"))) {
            held.addAll(jfleg.toList());
        }
        for (Path p : held) for (String line : Files.readAllLines(p)) heldOut.add(key(line));
        heldOut.remove("");
    }

    /** Lower-case letters and digits alone, so that tokenised text ("do n't") meets printed text. */
    static String key(String sentence) {
        StringBuilder b = new StringBuilder();
        sentence.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
        return b.toString();
    }

    static List<String> lines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    @Test
    void theKeyMeetsTokenisedAndPrintedText() {
        assertThat(key("I do n't know , really .")).isEqualTo(key("I don't know, really."));
        assertThat(key("I don't know.")).isNotEqualTo(key("I know."));
    }

    @Test
    void everyPreparedFileIsFoundAndNotEmpty() throws IOException {
        assertThat(files).extracting(p -> p.getParent().getFileName().toString())
                .contains("sotu", "europarl", "debian-handbook", "python-docs");
        for (Path f : files) assertThat(lines(f)).as("%s", f).hasSizeGreaterThan(1000);
    }

    @Test
    void noHeldOutSentenceAndNoRepeat() throws IOException {
        for (Path f : files) {
            Set<String> seen = new HashSet<>();
            for (String s : lines(f)) {
                String k = key(s);
                assertThat(heldOut).as("%s: held-out sentence '%s'", f, s).doesNotContain(k);
                assertThat(seen.add(k)).as("%s: repeated sentence '%s'", f, s).isTrue();
            }
        }
    }

    @Test
    void theTrainersFilterKeepsNearlyEverySentence() throws IOException {
        SyntheticErrors synth = new SyntheticErrors();
        for (Path f : files) {
            List<String> all = lines(f);
            List<String> dropped = all.stream().filter(s -> !synth.usable(s, MAX_WORDS)).toList();
            System.out.printf("%s: %d sentences, %d not usable by the trainer%s%n", f, all.size(), dropped.size(),
                    dropped.isEmpty() ? "" : ", e.g. " + dropped.get(0));
            assertThat(dropped.size()).as("%s: sentences the trainer drops, e.g. %s", f, dropped.stream().limit(3).toList())
                    .isLessThanOrEqualTo(all.size() / 100);
        }
    }
}
