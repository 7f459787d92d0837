package miniserve.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import miniserve.agent.Correction;
import miniserve.agent.GrammarTutorAgent;
import miniserve.agent.TutorModel;
import miniserve.eval.Baselines;
import miniserve.eval.BeginnerSet;
import miniserve.eval.Evaluation;
import miniserve.eval.Evaluation.Report;
import miniserve.eval.JflegSet;
import miniserve.kernels.ComputePool;
import miniserve.model.Generator.StopRule;
import miniserve.model.GptConfig;
import miniserve.synth.SyntheticErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./miniserve eval}: measure the correctors on held-out synthetic errors, clean sentences and JFLEG dev. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluates grammar correctors on the same sentences, prints a summary and writes eval.json, eval.md and each system's answers on the synthetic set (synthetic-SYSTEM.tsv).",
                "Sets: synthetic, UD dev sentences noised with a fixed seed (exact match, and precision and recall of "
                        + "the edits per error type); preservation, clean UD test sentences (the share returned unchanged); "
                        + "beginner, hand-written beginner sentences (the share fully corrected, and of the correct ones the share "
                        + "left alone); JFLEG dev, GLEU against the four human references (evaluation only).",
                "Systems: tutor (the served GrammarTutorAgent on --weights, output check included: a refused answer "
                        + "counts as the sentence unchanged), copy (the sentence as it is), rules (a capital at the start, "
                        + "'I' for a lone 'i', a/an by the next word, a final full stop). A sentence too long for the "
                        + "model's context is returned unchanged."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "data",
            description = "Folder with ud-ewt/dev.txt, ud-ewt/test.txt and jfleg-dev/ (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--out", defaultValue = "weights/eval", description = "Where eval.json, eval.md and synthetic-SYSTEM.tsv go (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--systems", split = ",", defaultValue = "tutor,copy,rules",
            description = "Comma-separated systems to evaluate: tutor, copy, rules (default: ${DEFAULT-VALUE}).")
    List<String> systems;
    @Option(names = "--weights", defaultValue = "weights", description = "The tutor's weights directory (default: ${DEFAULT-VALUE}).")
    Path weights;
    @Option(names = "--max-tokens", defaultValue = "64",
            description = "Tokens the tutor may generate per sentence; it stops once every row has ended (default: ${DEFAULT-VALUE}).")
    int maxTokens;
    @Option(names = "--threads", description = "Compute threads for the tutor (default: the machine's cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--synthetic", defaultValue = "1000", description = "Noised UD dev sentences (default: ${DEFAULT-VALUE}).")
    int syntheticCount;
    @Option(names = "--preservation", defaultValue = "0",
            description = "Clean UD sentences for the preservation figure; 0 = every usable one (default: ${DEFAULT-VALUE}).")
    int preservationCount;
    @Option(names = "--preservation-from", paramLabel = "SPLIT", defaultValue = "test",
            description = "Which UD split the preservation sentences come from: 'test' for the evaluation, 'dev' when choosing "
                    + "the copy bias (the synthetic set's sentences without their errors, so UD test stays unseen) "
                    + "(default: ${DEFAULT-VALUE}).")
    String preservationFrom;
    @Option(names = "--seed", defaultValue = "20240607", description = "Seed of the synthetic noise (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--batch", defaultValue = "8", description = "Sentences per corrector call (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--no-jfleg", description = "Skip JFLEG dev.")
    boolean noJfleg;
    @Option(names = "--no-beginner", description = "Skip the beginner sentences (data/beginner-test/; leave them out when tuning, "
            + "so that they stay unseen).")
    boolean noBeginner;
    @Option(names = "--copy-bias", paramLabel = "NATS",
            description = "Decode the tutor with this copy bias instead of the one in the weights' generation_config.json: "
                    + "a first edit must be e^NATS times likelier than leaving the sentence as it is; 0 = plain greedy.")
    Float copyBias;

    @Override
    public Integer call() throws IOException {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
        if (syntheticCount < 0) throw new IllegalArgumentException("--synthetic must be >= 0");
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1");
        Path dev = data.resolve("ud-ewt/dev.txt");
        Path test = data.resolve("ud-ewt/test.txt");
        Path jflegDir = data.resolve("jfleg-dev");
        for (Path p : List.of(dev, test)) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p + " (run from the project directory or pass --data)");
        }
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        Path clean = switch (preservationFrom) {
            case "test" -> test;
            case "dev" -> dev;
            default -> throw new IllegalArgumentException("--preservation-from must be 'test' or 'dev', got '" + preservationFrom + "'");
        };
        if (copyBias != null && !(copyBias >= 0)) throw new IllegalArgumentException("--copy-bias must be >= 0, got " + copyBias);
        Map<String, Function<List<String>, List<String>>> correctors = new LinkedHashMap<>();
        for (String s : systems) correctors.put(s, corrector(s.strip().toLowerCase(Locale.ROOT)));

        JflegSet jfleg = null;
        if (!noJfleg) {
            if (!Files.isRegularFile(jflegDir.resolve("dev.src"))) throw new IllegalArgumentException("no JFLEG dev set in " + jflegDir + " (or pass --no-jfleg)");
            jfleg = JflegSet.load(jflegDir, "dev");
        }
        Path beginnerFile = data.resolve("beginner-test/sentences.tsv");
        BeginnerSet beginner = null;
        if (!noBeginner) {
            if (!Files.isRegularFile(beginnerFile)) throw new IllegalArgumentException("no beginner sentences at " + beginnerFile + " (or pass --no-beginner)");
            beginner = BeginnerSet.load(beginnerFile);
        }
        var syntheticSet = SyntheticErrors.heldOutPairs(dev, syntheticCount, seed);
        var preservationSet = Evaluation.preservationSet(clean, preservationCount);
        Evaluation eval = new Evaluation(syntheticSet, preservationSet, beginner, jfleg, batch);
        int total = eval.sentencesPerSystem();
        List<Report> reports = new ArrayList<>();
        for (var e : correctors.entrySet()) {
            String name = e.getKey();
            eval.onProgress(n -> {
                if (n == total || n % 200 < batch) System.err.printf("\r%s: %d/%d sentences", name, n, total);
            });
            long t0 = System.nanoTime();
            reports.add(eval.evaluate(name, e.getValue()));
            System.err.printf("\r%s: %d sentences in %.1f s%n", name, total, (System.nanoTime() - t0) / 1e9);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("synthetic", "the first " + syntheticSet.size() + " usable sentences of " + dev + " (asked for " + syntheticCount
                + "), noise seed " + seed);
        settings.put("preservation", "the first " + preservationSet.size() + " usable sentences of " + clean);
        settings.put("beginner", noBeginner ? "skipped" : beginnerFile + " (" + beginner.items().size() + " sentences)");
        settings.put("jfleg", noJfleg ? "skipped" : jflegDir + " (dev.src, dev.ref0-3)");
        settings.put("batch", String.valueOf(batch));
        if (tutor != null) settings.put("tutor", weights + " (" + tutor.describe() + ")");
        settings.put("command", "./miniserve eval --systems " + String.join(",", systems) + " --synthetic " + syntheticCount
                + " --preservation " + preservationCount + (clean == dev ? " --preservation-from dev" : "") + " --seed " + seed + " --batch " + batch + (noJfleg ? " --no-jfleg" : "") + (noBeginner ? " --no-beginner" : "")
                + (copyBias != null ? " --copy-bias " + copyBias : ""));
        if (tutor != null) tutor.close();
        Evaluation.write(reports, settings, out);
        String md = Evaluation.markdown(reports, settings);
        System.out.print(md.substring(0, md.indexOf("\n## ")));
        System.out.println("\nwrote " + out.resolve("eval.json") + ", " + out.resolve("eval.md") + " and the synthetic answers (synthetic-SYSTEM.tsv)");
        return 0;
    }

    private TutorCorrector tutor;

    private Function<List<String>, List<String>> corrector(String name) throws IOException {
        return switch (name) {
            case "copy" -> Baselines.copySource();
            case "rules" -> Baselines.simpleRules();
            case "tutor" -> {
                if (tutor == null) {
                    TutorModel model = TutorModel.load(weights);
                    tutor = new TutorCorrector(copyBias != null ? model.withCopyBias(copyBias) : model, threads, batch, maxTokens);
                }
                yield tutor;
            }
            default -> throw new IllegalArgumentException("unknown system '" + name + "' (known: tutor, copy, rules)");
        };
    }

    /** The served agent as a corrector: its answer, or the sentence itself when it is refused or too long. */
    private static final class TutorCorrector implements Function<List<String>, List<String>>, AutoCloseable {
        private final TutorModel model;
        private final ComputePool pool;
        private final GrammarTutorAgent agent;
        private final int maxTokens;
        private int tooLong;

        TutorCorrector(TutorModel model, int threads, int batch, int maxTokens) {
            this.model = model;
            this.pool = ComputePool.create(threads);
            this.agent = model.newAgent(pool, batch, maxTokens, StopRule.ALL_ENDED);
            this.maxTokens = maxTokens;
        }

        @Override
        public List<String> apply(List<String> sentences) {
            int limit = model.maxSentenceTokens(maxTokens);
            boolean[] fits = new boolean[sentences.size()];
            List<String> fitting = new ArrayList<>();
            for (int i = 0; i < fits.length; i++) {
                String s = sentences.get(i);
                fits[i] = !s.isBlank() && model.sentenceTokens(s) <= limit;
                if (fits[i]) fitting.add(s);
            }
            tooLong += sentences.size() - fitting.size();
            List<Correction> corrected = fitting.isEmpty() ? List.of() : agent.correctBatch(fitting, null);
            List<String> out = new ArrayList<>(sentences.size());
            int next = 0;
            for (int i = 0; i < fits.length; i++) out.add(fits[i] ? corrected.get(next++).corrected() : sentences.get(i));
            return out;
        }

        String describe() {
            GptConfig c = model.config();
            return String.format(Locale.ROOT, "C=%d, %d layers, %d heads, %,d parameters; copy bias %.2f; max %d new tokens; "
                    + "%d sentences too long for the context returned unchanged", c.nEmbd(), c.nLayer(), c.nHead(), c.parameterCount(),
                    model.copyBias(), maxTokens, tooLong);
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
