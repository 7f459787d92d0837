package miniserve.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import miniserve.TestTexts;
import miniserve.language.ErrorType;
import miniserve.language.Lexicon;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BeginnerSentencesTest {

    static List<String> sentences;

    @BeforeAll
    static void generate() {
        sentences = new BeginnerSentences(Lexicon.standard()).generate(5000, 3, s -> false);
    }

    @Test
    void theSameSeedGivesTheSameSentencesAndAllDiffer() {
        assertThat(new BeginnerSentences(Lexicon.standard()).generate(5000, 3, s -> false)).isEqualTo(sentences);
        assertThat(Set.copyOf(sentences)).hasSize(5000);
        assertThat(new BeginnerSentences(Lexicon.standard()).generate(200, 4, s -> false)).isNotEqualTo(sentences.subList(0, 200));
    }

    @Test
    void excludedSentencesAreLeftOut() {
        List<String> some = sentences.subList(0, 100);
        List<String> again = new BeginnerSentences(Lexicon.standard()).generate(5000, 3, some::contains);
        assertThat(again).hasSize(5000).doesNotContainAnyElementsOf(some);
    }

    @Test
    void theTrainerKeepsThemAsCleanSentences() {
        SyntheticErrors synth = new SyntheticErrors();
        long kept = sentences.stream().filter(s -> synth.usable(s, 60)).count();
        // Only the few three-word ones ("She likes apples.") fall under the trainer's four-word minimum.
        assertThat(kept).isGreaterThan(sentences.size() * 99 / 100);
        for (String s : sentences) {
            assertThat(Character.isUpperCase(s.charAt(0))).as(s).isTrue();
            assertThat(s).as(s).matches(".*[a-zA-Z0-9'][.?]").doesNotContain("  ");
        }
    }

    /** Word pairs the grammar must never write: the very errors the tutor is taught to correct. */
    @Test
    void noAgreementArticleOrTenseSlip() {
        List<Pattern> wrong = List.of(
                Pattern.compile("(?<!and )\\b(he|she|Tom|Anna|Maria|friend|brother|sister|mother|father|teacher|neighbour|student) "
                        + "(go|have|do|don't|play|like|want|eat|live|work|are|were|watch|study)\\b", Pattern.CASE_INSENSITIVE),
                Pattern.compile("\\b(I|you|we|they|parents|friends|children|students|cousins|neighbours) "
                        + "(goes|has|does|doesn't|plays|likes|wants|eats|lives|works|is|watches|studies)\\b"),
                Pattern.compile("\\b(you|we|they|parents|friends|children|students|cousins|neighbours) was\\b"),
                Pattern.compile("(?<!and )\\bI (is|are|were)\\b"),
                Pattern.compile("\\ba [aeiouAEIOU]"), Pattern.compile("\\ban [^aeiouAEIOU]"),
                Pattern.compile("\\b(two|three|four|five|six|ten|many|few) (book|apple|cat|child|man|woman|box|knife|mouse|tooth|foot)\\b"),
                Pattern.compile("\\b(yesterday|ago|last \\w+)\\b(?:(?!\\b(and|but|so|because)\\b)[^,])*\\b(I|you|we|they|he|she) (go|eat|have|play|buy|is|are)\\b", Pattern.CASE_INSENSITIVE),
                Pattern.compile("\\b(didn't|doesn't|don't|will|can|must|should|to) (goes|went|has|had|plays|played|wants|wanted|eats|ate|"
                        + "lives|lived|works|worked|watches|watched|studies|studied|speaks|spoke|comes|came|buys|bought)\\b"),
                Pattern.compile("\\b(didn't|doesn't|don't) \\w+ some\\b"),
                Pattern.compile("\\b(childs|mans|womans|persons|sheeps|fishes|busses|mouses|tooths|foots|knifes|leafs)\\b"),
                Pattern.compile("\\b(liking|loving|knowing|wanting|needing|believing|owning) "),
                Pattern.compile("\\b(have|has) (go|eat|went|ate|write|wrote|speak|spoke|take|took)\\b"));
        for (String s : sentences) {
            // A question puts the plain verb after its subject ("Does she go ...?"): the agreement patterns are for statements.
            for (Pattern p : s.endsWith("?") ? wrong.subList(3, wrong.size()) : wrong) {
                assertThat(p.matcher(s).find()).as("'%s' matches %s", s, p).isFalse();
            }
        }
    }

    @Test
    void theyCoverTheTensesAndThePlacesLearnersGoWrong() {
        String all = String.join("\n", sentences);
        for (String form : List.of(" goes ", " doesn't ", " don't ", " didn't ", " will ", " is going to ", " has ", " have ",
                "There are ", "There is an ", " since ", " every ", "Yesterday ", " ago", "?", " children ", " because ")) {
            assertThat(all).as("a sentence with '%s'", form).contains(form);
        }
    }

    /** The learner errors land on them as on any clean text: the tutor is trained on these kinds. */
    @Test
    void learnerErrorsOfTheMainKindsAreInjectedIntoThem() {
        SyntheticErrors errors = new SyntheticErrors(Lexicon.standard(), SyntheticErrors.Profile.named("learner"));
        Map<ErrorType, Integer> byType = new EnumMap<>(ErrorType.class);
        for (TrainingPair p : errors.pairs(sentences.subList(0, 2000), 1)) {
            for (InjectedError e : p.errors()) byType.merge(e.type(), 1, Integer::sum);
        }
        for (ErrorType t : List.of(ErrorType.AGREEMENT, ErrorType.VERB_FORM, ErrorType.TENSE, ErrorType.ARTICLE, ErrorType.NOUN_NUMBER)) {
            assertThat(byType.getOrDefault(t, 0)).as("%s errors in 2000 sentences", t).isGreaterThan(50);
        }
    }

    /**
     * The one generated sentence that shares a run of five words with a corrected sentence of the README
     * ("There are three books on the table."): that correction entered the README's table only when leg 6,
     * trained on this file, made it; before, the table showed the sentence unchanged, so this check saw only
     * the learner's version. The README and the model card say so.
     */
    static final String KNOWN_OVERLAP = "There are three books on the shelf.";

    /**
     * The README's "Ten beginner sentences" test the shipped tutor: the generated text shares no run of
     * five words with them (nor, so, the sentences themselves), in the learners' version or corrected,
     * but for {@link #KNOWN_OVERLAP}.
     */
    @Test
    void noneOfTheReadmesBeginnerSentences() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("README.md"));
        int from = lines.indexOf("### Ten beginner sentences");
        assertThat(from).isNotNegative();
        Set<String> readmeRuns = new java.util.HashSet<>();
        for (String line : lines.subList(from + 1, lines.size())) {
            if (line.startsWith("### ")) break;
            if (!line.startsWith("| ") || line.startsWith("| learner's sentence")) continue;
            String[] cells = line.split("\\|");
            readmeRuns.addAll(runsOfFive(cells[1]));
            readmeRuns.addAll(runsOfFive(cells[2]));
        }
        assertThat(readmeRuns).hasSizeGreaterThan(20);
        List<String> generated = new BeginnerSentences(Lexicon.standard()).generate(30000, 1, x -> false);
        assertThat(generated).as("the known overlap is still generated (else drop it)").contains(KNOWN_OVERLAP);
        for (String s : generated) {
            if (s.equals(KNOWN_OVERLAP)) continue;
            for (String run : runsOfFive(s)) assertThat(readmeRuns).as("'%s' in the README's sentences", run).doesNotContain(run);
        }
    }

    /**
     * The hand-written beginner sentences of the evaluation (data/beginner-test/) are held out from what the
     * trainer reads: no run of five words in common with the shipped generated sentences, the learner's version
     * or corrected, and none of them in UD train, WordNet's examples or Brown (the prepared files are checked
     * by ExtraTextFilesTest through HeldOutSentences).
     */
    @Test
    void noneOfTheEvaluationsBeginnerSentences() throws Exception {
        Set<String> testRuns = new java.util.HashSet<>();
        Set<String> testKeys = new java.util.HashSet<>();
        for (var item : miniserve.eval.BeginnerSet.load(java.nio.file.Path.of("data/beginner-test/sentences.tsv")).items()) {
            List<String> all = new java.util.ArrayList<>(item.corrections());
            all.add(item.learner());
            for (String s : all) {
                testRuns.addAll(runsOfFive(s));
                testKeys.add(HeldOutSentences.key(s));
            }
        }
        assertThat(testRuns).hasSizeGreaterThan(500);
        for (String s : TestTexts.gzLines(java.nio.file.Path.of("data/beginner/sentences.txt.gz"))) {
            for (String run : runsOfFive(s)) assertThat(testRuns).as("'%s' of '%s'", run, s).doesNotContain(run);
        }
        List<String> other = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(java.nio.file.Path.of("data/ud-ewt/train.txt")));
        other.addAll(java.nio.file.Files.readAllLines(java.nio.file.Path.of("data/wordnet-examples/examples.txt")));
        other.addAll(TestTexts.gzLines(java.nio.file.Path.of("data/brown/sentences.txt.gz")));
        for (String s : other) assertThat(testKeys).as(s).doesNotContain(HeldOutSentences.key(s));
    }

    private static List<String> runsOfFive(String sentence) {
        String[] w = sentence.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").strip().split("\\s+");
        List<String> runs = new java.util.ArrayList<>();
        for (int i = 0; i + 5 <= w.length; i++) runs.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + 5)));
        return runs;
    }
}
