package miniserve.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntConsumer;
import miniserve.language.Edit;
import miniserve.language.EditClassifier;
import miniserve.language.ErrorType;
import miniserve.language.WordDiff;
import miniserve.synth.InjectedError;
import miniserve.synth.SyntheticErrors;
import miniserve.synth.TrainingPair;

/**
 * Measures a sentence corrector (a batch function: sentences in, corrected sentences out) on three
 * sets, the same sentences for every system:
 * <ul>
 *   <li><b>synthetic</b>: held-out UD dev sentences noised by {@link SyntheticErrors} with a fixed seed;
 *       exact match with the clean sentence, and per error type precision and recall of the edits;</li>
 *   <li><b>preservation</b>: clean UD test sentences (dev ones when the copy bias is chosen), the share returned unchanged;</li>
 *   <li><b>beginner</b>: hand-written beginner sentences ({@link BeginnerSet}); the share of those with errors
 *       fully corrected, per error type too, and of the correct ones left unchanged;</li>
 *   <li><b>JFLEG dev</b>: GLEU ({@link Gleu}) against the four human references.</li>
 * </ul>
 * The edit matching rule is in {@link #MATCHING_RULE} and is repeated in the markdown report.
 */
public final class Evaluation {

    /** How hypothesis edits are compared with the injected (reference) edits; printed in the report. */
    public static final String MATCHING_RULE = """
            Reference edits are the injection records of each noised sentence (span of learner tokens, \
            correct text, error type). Hypothesis edits are the word-level diff between the learner sentence \
            and the system's output (WordDiff), typed by EditClassifier. A hypothesis edit matches a reference \
            edit when both cover the same token span of the learner sentence and propose the same replacement \
            text (whitespace-normalised, case-sensitive). A matched pair is a true positive of the reference's \
            (injected) type; an unmatched hypothesis edit is a false positive of the type EditClassifier gives \
            it; an unmatched reference edit is a false negative of its injected type. Precision = TP/(TP+FP), \
            recall = TP/(TP+FN), F0.5 weighs precision twice as much as recall (the usual GEC measure). \
            Exact match compares whole sentences after collapsing runs of whitespace.""";

    /** How the beginner set is scored; printed in the report. */
    public static final String BEGINNER_RULE = """
            Beginner sentences (data/beginner-test/sentences.tsv, written by hand for evaluation only and sharing \
            no run of five words with the generated beginner sentences the trainer reads): a sentence with errors \
            counts as fixed when the answer equals one of its corrections (whitespace-normalised, case-sensitive); \
            a sentence with two kinds of error counts under both types; a correct sentence must come back unchanged.""";

    /** Counts for one error type (or all of them). */
    public record TypeScore(String type, int truePositives, int falsePositives, int falseNegatives) {
        @JsonProperty("precision")
        public double precision() {
            int d = truePositives + falsePositives;
            return d == 0 ? Double.NaN : (double) truePositives / d;
        }

        @JsonProperty("recall")
        public double recall() {
            int d = truePositives + falseNegatives;
            return d == 0 ? Double.NaN : (double) truePositives / d;
        }

        /** F0.5; 0 when nothing was found. */
        @JsonProperty("f05")
        public double f05() {
            double p = precision(), r = recall();
            if (Double.isNaN(p) || Double.isNaN(r) || p + r == 0) return 0;
            return 1.25 * p * r / (0.25 * p + r);
        }
    }

    /**
     * The synthetic set's scores; {@code answers} holds each sentence's answer beside its reference, written to
     * {@code synthetic-<system>.tsv} rather than to eval.json (a thousand rows).
     */
    public record Synthetic(int sentences, int withErrors, double exactMatch, double exactMatchWithErrors,
                            double exactMatchWithoutErrors, TypeScore overall, List<TypeScore> perType,
                            @JsonIgnore List<SyntheticAnswer> answers) {
    }

    /** One noised sentence, its reference, the system's answer, whether they match and the injected errors' types. */
    public record SyntheticAnswer(String sentence, String reference, String answer, boolean exact, List<ErrorType> injected) {
    }

    /** Clean sentences: {@code unchanged} of {@code sentences} returned as they were; {@code changed} lists the others. */
    public record Preservation(int sentences, int unchanged, double share, List<Changed> changed) {
    }

    /** A clean sentence the system changed, and what it returned. */
    public record Changed(String sentence, String answer) {
    }

    /** GLEU on JFLEG dev (mean and standard deviation over the scorer's reference draws); {@code skipped} says why not. */
    public record Jfleg(int sentences, Double gleuMean, Double gleuStd, String skipped) {
    }

    /** A sentence of the beginner set of one error type: {@code fixed} of {@code sentences} fully corrected. */
    public record TypeFixed(String type, int sentences, int fixed) {
    }

    /**
     * The beginner set: of {@code withErrors} sentences {@code fixed} fully corrected (a sentence with two
     * kinds of error counts under both types), of {@code clean} ones {@code leftAlone} returned unchanged;
     * {@code answers} are the system's, in the set's order.
     */
    public record Beginner(int sentences, int withErrors, int fixed, int clean, int leftAlone, List<TypeFixed> perType,
                           List<String> answers) {
        @JsonProperty("fixedShare")
        public double fixedShare() {
            return withErrors == 0 ? Double.NaN : (double) fixed / withErrors;
        }

        @JsonProperty("leftAloneShare")
        public double leftAloneShare() {
            return clean == 0 ? Double.NaN : (double) leftAlone / clean;
        }
    }

    public record Report(String system, Synthetic synthetic, Preservation preservation, Beginner beginner, Jfleg jfleg) {
    }

    private final List<TrainingPair> synthetic;
    private final List<String> preservation;
    private final BeginnerSet beginner;
    private final JflegSet jfleg;
    private final int batchSize;
    private final EditClassifier classifier;
    private IntConsumer progress = n -> { };

    /**
     * @param synthetic    noised held-out pairs (see {@link SyntheticErrors#heldOutPairs})
     * @param preservation clean sentences that should come back unchanged
     * @param beginner     the beginner set ({@link BeginnerSet#load}), or null to skip it
     * @param jfleg        JFLEG dev ({@link JflegSet#dev()}), or null to skip it
     * @param batchSize    how many sentences go to the corrector in one call
     */
    public Evaluation(List<TrainingPair> synthetic, List<String> preservation, BeginnerSet beginner, JflegSet jfleg, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
        this.synthetic = List.copyOf(synthetic);
        this.preservation = List.copyOf(preservation);
        this.beginner = beginner;
        this.jfleg = jfleg;
        this.batchSize = batchSize;
        this.classifier = new EditClassifier();
    }

    /** Called with the number of sentences corrected so far (for a progress line). */
    public Evaluation onProgress(IntConsumer progress) {
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /** The preservation set: the first {@code count} usable (clean) sentences of {@code testFile}; all if count ≤ 0. */
    public static List<String> preservationSet(Path testFile, int count) {
        List<String> clean = new SyntheticErrors().readClean(testFile);
        return count <= 0 ? clean : clean.subList(0, Math.min(count, clean.size()));
    }

    /** Total sentences one {@link #evaluate} call sends to the corrector. */
    public int sentencesPerSystem() {
        return synthetic.size() + preservation.size() + (beginner != null ? beginner.items().size() : 0)
                + (jfleg != null ? jfleg.sources().size() : 0);
    }

    /** Runs the corrector on every set and scores it. */
    public Report evaluate(String system, Function<List<String>, List<String>> corrector) {
        int[] done = {0};
        Function<List<String>, List<String>> batched = sentences -> correctAll(sentences, corrector, done);
        List<String> sources = synthetic.stream().map(TrainingPair::source).toList();
        Synthetic syn = scoreSynthetic(batched.apply(sources));
        List<String> kept = batched.apply(preservation);
        List<Changed> changed = new ArrayList<>();
        for (int i = 0; i < preservation.size(); i++)
            if (!normalize(kept.get(i)).equals(normalize(preservation.get(i)))) changed.add(new Changed(preservation.get(i), kept.get(i)));
        int unchanged = preservation.size() - changed.size();
        Preservation pres = new Preservation(preservation.size(), unchanged,
                preservation.isEmpty() ? Double.NaN : (double) unchanged / preservation.size(), changed);
        Beginner beg = beginner == null ? null : scoreBeginner(batched.apply(beginner.sentences()));
        Jfleg jf;
        if (jfleg == null) {
            jf = new Jfleg(0, null, null, "skipped");
        } else {
            // JFLEG is pre-tokenized ("do n't"): the corrector sees ordinary text, GLEU sees tokens again.
            List<String> detok = jfleg.sources().stream().map(JflegText::detokenize).toList();
            List<String> hyps = batched.apply(detok).stream().map(JflegText::tokenize).toList();
            Gleu.Score g = jfleg.gleu().score(hyps);
            jf = new Jfleg(jfleg.sources().size(), g.mean(), g.std(), null);
        }
        return new Report(system, syn, pres, beg, jf);
    }

    private List<String> correctAll(List<String> sentences, Function<List<String>, List<String>> corrector, int[] done) {
        List<String> out = new ArrayList<>(sentences.size());
        for (int from = 0; from < sentences.size(); from += batchSize) {
            List<String> batch = sentences.subList(from, Math.min(sentences.size(), from + batchSize));
            List<String> corrected = corrector.apply(batch);
            if (corrected == null || corrected.size() != batch.size()) {
                throw new IllegalStateException("the corrector returned " + (corrected == null ? "null" : corrected.size() + " sentences")
                        + " for a batch of " + batch.size());
            }
            out.addAll(corrected);
            done[0] += batch.size();
            progress.accept(done[0]);
        }
        return out;
    }

    static String normalize(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private Synthetic scoreSynthetic(List<String> hypotheses) {
        Map<ErrorType, int[]> counts = new EnumMap<>(ErrorType.class);   // {tp, fp, fn}
        int exact = 0, withErrors = 0, exactWith = 0, exactWithout = 0;
        List<SyntheticAnswer> answers = new ArrayList<>(synthetic.size());
        for (int i = 0; i < synthetic.size(); i++) {
            TrainingPair pair = synthetic.get(i);
            String hyp = hypotheses.get(i);
            boolean match = normalize(hyp).equals(normalize(pair.target()));
            answers.add(new SyntheticAnswer(pair.source(), pair.target(), hyp, match, pair.errors().stream().map(InjectedError::type).toList()));
            if (match) exact++;
            if (!pair.unchanged()) {
                withErrors++;
                if (match) exactWith++;
            } else if (match) {
                exactWithout++;
            }
            List<Edit> hypEdits = classifier.edits(pair.source(), hyp);
            boolean[] refMatched = new boolean[pair.errors().size()];
            for (Edit h : hypEdits) {
                int found = -1;
                for (int r = 0; r < pair.errors().size() && found < 0; r++) {
                    InjectedError ref = pair.errors().get(r);
                    if (!refMatched[r] && ref.start() == h.start() && ref.end() == h.end()
                            && normalize(ref.replacement()).equals(normalize(h.replacement()))) {
                        found = r;
                    }
                }
                if (found >= 0) {
                    refMatched[found] = true;
                    counts.computeIfAbsent(pair.errors().get(found).type(), k -> new int[3])[0]++;
                } else {
                    counts.computeIfAbsent(h.type(), k -> new int[3])[1]++;
                }
            }
            for (int r = 0; r < refMatched.length; r++) {
                if (!refMatched[r]) counts.computeIfAbsent(pair.errors().get(r).type(), k -> new int[3])[2]++;
            }
        }
        List<TypeScore> perType = new ArrayList<>();
        int tp = 0, fp = 0, fn = 0;
        for (var e : counts.entrySet()) {
            int[] c = e.getValue();
            perType.add(new TypeScore(e.getKey().name(), c[0], c[1], c[2]));
            tp += c[0];
            fp += c[1];
            fn += c[2];
        }
        int n = synthetic.size();
        int without = n - withErrors;
        return new Synthetic(n, withErrors, n == 0 ? Double.NaN : (double) exact / n,
                withErrors == 0 ? Double.NaN : (double) exactWith / withErrors,
                without == 0 ? Double.NaN : (double) exactWithout / without,
                new TypeScore("ALL", tp, fp, fn), perType, List.copyOf(answers));
    }

    private Beginner scoreBeginner(List<String> answers) {
        Map<ErrorType, int[]> perType = new EnumMap<>(ErrorType.class);   // {sentences, fixed}
        int withErrors = 0, fixed = 0, clean = 0, leftAlone = 0;
        for (int i = 0; i < answers.size(); i++) {
            BeginnerSet.Item item = beginner.items().get(i);
            boolean right = item.fixedBy(answers.get(i));
            if (item.clean()) {
                clean++;
                if (right) leftAlone++;
                continue;
            }
            withErrors++;
            if (right) fixed++;
            for (ErrorType t : item.types()) {
                int[] c = perType.computeIfAbsent(t, k -> new int[2]);
                c[0]++;
                if (right) c[1]++;
            }
        }
        List<TypeFixed> types = perType.entrySet().stream().map(e -> new TypeFixed(e.getKey().name(), e.getValue()[0], e.getValue()[1])).toList();
        return new Beginner(answers.size(), withErrors, fixed, clean, leftAlone, types, List.copyOf(answers));
    }

    // ---- reports ----------------------------------------------------------------------------------

    /**
     * Writes {@code eval.json}, {@code eval.md} and, for each system, its answers on the synthetic set as
     * {@code synthetic-<system>.tsv} into {@code dir} (created if needed).
     */
    public static void write(List<Report> reports, Map<String, String> settings, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Report r : reports) Files.writeString(dir.resolve("synthetic-" + r.system() + ".tsv"), syntheticTsv(r.synthetic()), StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("matching_rule", MATCHING_RULE);
        json.put("systems", reports);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("eval.json").toFile(), json);
        Files.writeString(dir.resolve("eval.md"), markdown(reports, settings), StandardCharsets.UTF_8);
    }

    /** The reports as a markdown page: a summary table, the per-type tables, the settings and the matching rule. */
    public static String markdown(List<Report> reports, Map<String, String> settings) {
        StringBuilder sb = new StringBuilder("# Evaluation\n\n");
        sb.append("| system | synthetic exact match | with errors | without errors | edit P | edit R | edit F0.5 | preservation "
                + "| beginner fixed | beginner clean kept | JFLEG dev GLEU |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Report r : reports) {
            Synthetic s = r.synthetic();
            sb.append("| ").append(r.system())
                    .append(" | ").append(pct(s.exactMatch()))
                    .append(" | ").append(pct(s.exactMatchWithErrors()))
                    .append(" | ").append(pct(s.exactMatchWithoutErrors()))
                    .append(" | ").append(pct(s.overall().precision()))
                    .append(" | ").append(pct(s.overall().recall()))
                    .append(" | ").append(pct(s.overall().f05()))
                    .append(" | ").append(pct(r.preservation().share()))
                    .append(" | ").append(r.beginner() == null ? "skipped" : pct(r.beginner().fixedShare()))
                    .append(" | ").append(r.beginner() == null ? "skipped" : pct(r.beginner().leftAloneShare()))
                    .append(" | ").append(gleu(r.jfleg())).append(" |\n");
        }
        Report first = reports.isEmpty() ? null : reports.get(0);
        if (first != null) {
            sb.append("\nSynthetic held-out: ").append(first.synthetic().sentences()).append(" UD dev sentences (")
                    .append(first.synthetic().withErrors()).append(" with injected errors). Preservation: ")
                    .append(first.preservation().sentences()).append(" clean UD ")
                    .append(settings.getOrDefault("preservation", "").contains("dev.txt") ? "dev" : "test")
                    .append(" sentences. Beginner: ")
                    .append(first.beginner() == null ? "skipped" : first.beginner().withErrors() + " hand-written sentences with errors, "
                            + first.beginner().clean() + " correct ones")
                    .append(". JFLEG dev: ")
                    .append(first.jfleg().sentences()).append(" sentences.\n");
        }
        for (Report r : reports) {
            sb.append("\n## ").append(r.system()).append(": edits by error type (synthetic held-out)\n\n");
            sb.append("| type | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|\n");
            for (TypeScore t : r.synthetic().perType()) {
                sb.append("| ").append(t.type()).append(" | ").append(t.truePositives()).append(" | ").append(t.falsePositives())
                        .append(" | ").append(t.falseNegatives()).append(" | ").append(pct(t.precision()))
                        .append(" | ").append(pct(t.recall())).append(" |\n");
            }
        }
        for (Report r : reports) {
            Beginner b = r.beginner();
            if (b == null) continue;
            sb.append("\n## ").append(r.system()).append(": beginner sentences fully corrected, by error type\n\n");
            sb.append("| type | sentences | fixed | share |\n|---|---|---|---|\n");
            for (TypeFixed t : b.perType()) {
                sb.append("| ").append(t.type()).append(" | ").append(t.sentences()).append(" | ").append(t.fixed())
                        .append(" | ").append(pct(t.sentences() == 0 ? Double.NaN : (double) t.fixed() / t.sentences())).append(" |\n");
            }
            sb.append("| all with errors | ").append(b.withErrors()).append(" | ").append(b.fixed()).append(" | ")
                    .append(pct(b.fixedShare())).append(" |\n");
            sb.append("| clean, left alone | ").append(b.clean()).append(" | ").append(b.leftAlone()).append(" | ")
                    .append(pct(b.leftAloneShare())).append(" |\n");
        }
        sb.append("\n## How it is measured\n\n").append(MATCHING_RULE).append("\n\n");
        sb.append(BEGINNER_RULE).append("\n\n");
        sb.append("JFLEG sentences are pre-tokenized; they are detokenized before the system sees them and its output is ")
                .append("tokenized the same way before GLEU (Napoles et al. 2015/2017: n = 1..4, 500 draws of one reference per sentence). ")
                .append("JFLEG is used for evaluation only.\n\n");
        sb.append("Settings:\n\n");
        for (var e : settings.entrySet()) sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        return sb.toString();
    }

    /** The synthetic answers as tab-separated lines under a header: what the system missed, to read or grep. */
    static String syntheticTsv(Synthetic s) {
        StringBuilder sb = new StringBuilder("sentence\treference\tanswer\texact\tinjected\n");
        for (SyntheticAnswer a : s.answers()) {
            sb.append(oneLine(a.sentence())).append('\t').append(oneLine(a.reference())).append('\t').append(oneLine(a.answer()))
                    .append('\t').append(a.exact() ? "yes" : "no").append('\t')
                    .append(String.join(",", a.injected().stream().map(Enum::name).toList())).append('\n');
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\t\r\n]+", " ");
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String gleu(Jfleg j) {
        if (j.gleuMean() == null) return j.skipped();
        return String.format(Locale.ROOT, "%.4f ± %.4f", j.gleuMean(), j.gleuStd());
    }
}
