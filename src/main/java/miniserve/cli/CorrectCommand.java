package miniserve.cli;

import miniserve.agent.Correction;
import miniserve.agent.GrammarTutorAgent;
import miniserve.agent.TutorModel;
import miniserve.kernels.ComputePool;
import miniserve.language.Edit;
import miniserve.model.Generator.StopRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./miniserve correct "She go to school yesterday."}: one-off corrections, printed for a person. */
@Command(name = "correct", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Corrects one or more sentences with the tutor model and explains each edit.")
public final class CorrectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SENTENCE", description = "Sentences to correct (quote each one).")
    List<String> sentences;

    @Option(names = "--weights", paramLabel = "DIR", defaultValue = "weights",
            description = "Tutor weights directory (default: ${DEFAULT-VALUE}).")
    Path weights;

    // Not serve's fixed 64: every row here stops once all have ended, so a larger budget costs
    // nothing for short sentences, and a 60-word sentence's answer needs about 80 tokens.
    @Option(names = "--max-tokens",
            description = "Most tokens generated per sentence (default: all that the model's context leaves after the longest sentence).")
    Integer maxTokens;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Sentences generated together in one batch (default: ${DEFAULT-VALUE}); more sentences run in turn.")
    int batch;

    @Option(names = "--threads", description = "Compute threads (default: the number of cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        TutorModel model = TutorModel.load(weights);
        int[] lengths = new int[sentences.size()];
        int longest = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (sentences.get(i).isBlank()) throw new IllegalArgumentException("a sentence is blank");
            lengths[i] = model.sentenceTokens(sentences.get(i));
            longest = Math.max(longest, lengths[i]);
        }
        int budget = maxTokens != null ? maxTokens : Math.max(1, model.maxSentenceTokens(0) - longest);
        int limit = model.maxSentenceTokens(budget);
        for (int i = 0; i < lengths.length; i++) {
            String s = sentences.get(i);
            int tokens = lengths[i];
            if (tokens > limit)
                throw new IllegalArgumentException("\"" + abbreviate(s) + "\" is " + tokens + " tokens long; the model takes at most "
                        + limit + " with --max-tokens " + budget);
        }
        List<Correction> corrections = new ArrayList<>();
        try (ComputePool pool = ComputePool.create(threads)) {
            // Batches of at most --batch sentences (the KV cache of a batch grows with its rows); every row
            // stops once all of its batch have ended (nothing is measured here).
            GrammarTutorAgent agent = model.newAgent(pool, Math.min(batch, sentences.size()), budget, StopRule.ALL_ENDED);
            for (int from = 0; from < sentences.size(); from += batch)
                corrections.addAll(agent.correctBatch(sentences.subList(from, Math.min(sentences.size(), from + batch)), null));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < corrections.size(); i++) {
            if (i > 0) out.println();
            print(corrections.get(i), out);
        }
        out.flush();
        return 0;
    }

    static void print(Correction c, PrintWriter out) {
        out.println(c.sentence().strip());
        switch (c.status()) {
            case NO_ERRORS -> out.println("  No errors found.");
            case UNCHANGED -> out.println("  No correction: " + c.reason() + ".");
            case CORRECTED -> {
                out.println("-> " + c.corrected());
                int n = 1;
                for (Edit e : c.edits()) {
                    String change = e.original().isEmpty() ? "add \"" + e.replacement() + "\""
                            : e.replacement().isEmpty() ? "remove \"" + e.original() + "\""
                            : "\"" + e.original() + "\" -> \"" + e.replacement() + "\"";
                    out.println("  " + n++ + ". " + change + " (" + e.type().label() + "): " + e.explanation());
                }
                if (c.reason() != null) out.println("  Note: " + c.reason() + "."); // a refused answer (the rules' edits alone) or a piece left as it is
            }
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 37) + "...";
    }
}
