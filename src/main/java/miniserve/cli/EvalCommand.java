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
import miniserve.train.Baselines;
import miniserve.train.Evaluation;
import miniserve.train.Evaluation.Report;
import miniserve.train.JflegSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./miniserve eval}: measure the correctors on held-out synthetic errors, clean sentences and JFLEG dev. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate grammar correctors on the same sentences; print a summary and write",
                "eval.json and eval.md:",
                "  synthetic     UD dev sentences noised with a fixed seed: exact match, and",
                "                precision/recall of the edits per error type;",
                "  preservation  clean UD test sentences: the share returned unchanged;",
                "  JFLEG dev     GLEU against the four human references (evaluation only).",
                "Systems: copy (the sentence as it is), rules (a capital at the start, 'I' for",
                "a lone 'i', a/an by the next word, a final full stop)."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "data",
            description = "Folder with ud-ewt/dev.txt, ud-ewt/test.txt and jfleg-dev/ (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--out", defaultValue = "weights/eval", description = "Where eval.json and eval.md go (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--systems", split = ",", defaultValue = "copy,rules",
            description = "Comma-separated systems to evaluate: copy, rules (default: ${DEFAULT-VALUE}).")
    List<String> systems;
    @Option(names = "--synthetic", defaultValue = "1000", description = "Noised UD dev sentences (default: ${DEFAULT-VALUE}).")
    int syntheticCount;
    @Option(names = "--preservation", defaultValue = "0",
            description = "Clean UD test sentences; 0 = every usable one (default: ${DEFAULT-VALUE}).")
    int preservationCount;
    @Option(names = "--seed", defaultValue = "20240607", description = "Seed of the synthetic noise (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--batch", defaultValue = "8", description = "Sentences per corrector call (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--no-jfleg", description = "Skip JFLEG dev.")
    boolean noJfleg;

    @Override
    public Integer call() throws IOException {
        if (syntheticCount < 0) throw new IllegalArgumentException("--synthetic must be >= 0");
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1");
        Path dev = data.resolve("ud-ewt/dev.txt");
        Path test = data.resolve("ud-ewt/test.txt");
        Path jflegDir = data.resolve("jfleg-dev");
        for (Path p : List.of(dev, test)) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p + " (run from the project directory or pass --data)");
        }
        Map<String, Function<List<String>, List<String>>> correctors = new LinkedHashMap<>();
        for (String s : systems) correctors.put(s, corrector(s.strip().toLowerCase(Locale.ROOT)));

        JflegSet jfleg = null;
        if (!noJfleg) {
            if (!Files.isRegularFile(jflegDir.resolve("dev.src"))) throw new IllegalArgumentException("no JFLEG dev set in " + jflegDir + " (or pass --no-jfleg)");
            jfleg = JflegSet.load(jflegDir, "dev");
        }
        var syntheticSet = Evaluation.syntheticSet(dev, syntheticCount, seed);
        var preservationSet = Evaluation.preservationSet(test, preservationCount);
        Evaluation eval = new Evaluation(syntheticSet, preservationSet, jfleg, batch);
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
        settings.put("preservation", "the first " + preservationSet.size() + " usable sentences of " + test);
        settings.put("jfleg", noJfleg ? "skipped" : jflegDir + " (dev.src, dev.ref0-3)");
        settings.put("batch", String.valueOf(batch));
        settings.put("command", "./miniserve eval --systems " + String.join(",", systems) + " --synthetic " + syntheticCount
                + " --preservation " + preservationCount + " --seed " + seed + " --batch " + batch + (noJfleg ? " --no-jfleg" : ""));
        Evaluation.write(reports, settings, out);
        String md = Evaluation.markdown(reports, settings);
        System.out.print(md.substring(0, md.indexOf("\n## ")));
        System.out.println("\nwrote " + out.resolve("eval.json") + " and " + out.resolve("eval.md"));
        return 0;
    }

    private static Function<List<String>, List<String>> corrector(String name) {
        return switch (name) {
            case "copy" -> Baselines.copySource();
            case "rules" -> Baselines.simpleRules();
            case "tutor" -> throw new IllegalArgumentException("the served tutor (GrammarTutorAgent) is not in this build yet; "
                    + "evaluate the baselines with --systems copy,rules");
            default -> throw new IllegalArgumentException("unknown system '" + name + "' (known: copy, rules)");
        };
    }
}
