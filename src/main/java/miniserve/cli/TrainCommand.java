package miniserve.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import miniserve.console.ProgressBar;
import miniserve.kernels.ComputePool;
import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.model.TrainingSequence;
import miniserve.synth.SyntheticErrors;
import miniserve.tokenizer.PromptFormat;
import miniserve.train.FmaPeak;
import miniserve.train.SequenceSource;
import miniserve.train.Trainer;
import miniserve.train.TrainingCheckpoint;
import miniserve.train.TrainingData;
import miniserve.train.TrainingHistory;
import miniserve.train.TrainingOptions;
import miniserve.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./miniserve train}: trains the tutor model from scratch, or resumes a run. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Trains the grammar tutor: a GPT-2 learning to map a sentence with errors to its correction.",
                "Examples are source<|sep|>target<|endoftext|> sequences: UD English train sentences (--data) with "
                        + "synthetic learner errors, fresh noise every epoch; the loss is on the correction only.",
                "A progress line shows step, loss, tokens/s and time left; the held-out loss (noised UD dev "
                        + "sentences) is printed every --eval-every steps. A checkpoint (weights, AdamW moments, "
                        + "step, data position) is written to --checkpoint-dir every --checkpoint-every steps and on "
                        + "Ctrl-C; --resume continues from it with the settings it was started with.",
                "At the end the model goes to --out, a Hugging Face GPT-2 checkpoint directory: config.json, "
                        + "model.safetensors, vocab.json, merges.txt and prompt_format.json; beside them the run's "
                        + "record, training-run.json, and its loss curve, training-loss.csv and training-loss.png.",
                "With no options it runs the first leg of the shipped model's training chain; --recipe weights/recipe.json re-runs the whole chain."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/ud-ewt",
            description = "Clean sentences: train.txt for training, dev.txt for the held-out loss (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--extra-text", paramLabel = "FILE", split = ",", defaultValue = "data/wordnet-examples/examples.txt",
            description = "More clean sentences for training, one per line, comma-separated files; 'none' for UD alone "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Path> extraText;

    @Option(names = "--vocab", paramLabel = "DIR", defaultValue = "weights",
            description = "Directory with vocab.json, merges.txt and prompt_format.json (default: ${DEFAULT-VALUE}).")
    Path vocab;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "weights",
            description = "Where the trained model and its loss curve are written (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.cache/miniserve/train",
            description = "Where the resumable training state is kept, outside the repository (default: ${DEFAULT-VALUE}).")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue the run saved in --checkpoint-dir, with the settings it was started with "
            + "(the model and optimisation options below are then ignored, except --steps when given: a leg can be "
            + "lengthened or shortened, its cosine decay then ends at the new last step); it keeps the run's data "
            + "(--data, --extra-text, --vocab, --error-profile, --max-words, --heldout, --heldout-seed): one given "
            + "with another value is an error.")
    boolean resume;

    @Option(names = "--fresh", description = "Start a new run even if --checkpoint-dir holds one (it is overwritten at the first checkpoint).")
    boolean fresh;

    @Option(names = "--init-from", paramLabel = "DIR",
            description = "Start from the trained model in DIR (a weights directory) instead of random weights: a later "
                    + "leg of a training chain. The model's shape is DIR's; --n-positions may give it more positions "
                    + "(the new ones start from the last learned one), --n-layer more blocks (spread between the "
                    + "trained ones, each starting as the identity, so the model's answers are unchanged). AdamW's moments start at zero, so give a "
                    + "--warmup of a few hundred steps.")
    Path initFrom;

    @Option(names = "--error-profile", paramLabel = "NAME", defaultValue = "original",
            description = "Which synthetic errors, how often: 'original' (the first tutor's mix), 'learner-1' (more "
                    + "agreement, verb form, tense, articles, noun number and prepositions; agreement after noun "
                    + "subjects too; legs 1-3 of the shipped tutor), 'learner' (learner-1 with real misspellings, "
                    + "'a' before plurals, verb + wrong preposition, 'I am agree', present perfect or present with "
                    + "a finished time or 'since', 'more taller'), 'learner-2' (learner with more articles, "
                    + "'a'/'an' above all, and more agreement) or 'learner-3' (learner-2 with the original mix's "
                    + "share of word order, punctuation and capitals) (default: ${DEFAULT-VALUE}).")
    String errorProfile;

    @Option(names = "--max-words", paramLabel = "N", defaultValue = "" + SyntheticErrors.MAX_WORDS,
            description = "Longest training sentence in words; the model must have positions for such a sentence "
                    + "and its correction (default: ${DEFAULT-VALUE}).")
    int maxWords;

    @Option(names = "--n-embd", defaultValue = "256", description = "Embedding width C (default: ${DEFAULT-VALUE}).")
    int nEmbd;

    @Option(names = "--n-layer", defaultValue = "6", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int nLayer;

    @Option(names = "--n-head", defaultValue = "4", description = "Attention heads; C must be a multiple (default: ${DEFAULT-VALUE}).")
    int nHead;

    @Option(names = "--n-positions", defaultValue = "128",
            description = "Context length of the model, prompt and correction together (default: ${DEFAULT-VALUE}).")
    int nPositions;

    @Option(names = "--seq-len", defaultValue = "128",
            description = "Longest training sequence in tokens; longer examples are left out (default: ${DEFAULT-VALUE}; at most --n-positions).")
    int seqLen;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "16000", description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--min-lr", defaultValue = "1e-4", description = "Learning rate at the end of the cosine decay (default: ${DEFAULT-VALUE}).")
    float minLr;

    @Option(names = "--warmup", defaultValue = "300", description = "Steps of linear learning-rate warm-up (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1",
            description = "AdamW weight decay, on matrices and embeddings only (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW β1 (default: ${DEFAULT-VALUE}).")
    float beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "AdamW β2 (default: ${DEFAULT-VALUE}).")
    float beta2;

    @Option(names = "--adam-eps", defaultValue = "1e-8", description = "AdamW ε (default: ${DEFAULT-VALUE}).")
    float adamEps;

    @Option(names = "--grad-clip", defaultValue = "1.0", description = "Clip the global gradient norm to this; 0 = off (default: ${DEFAULT-VALUE}).")
    float gradClip;

    @Option(names = "--eval-every", defaultValue = "500", description = "Held-out loss every this many steps; 0 = at the end only (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--heldout", defaultValue = "500", description = "Noised UD dev sentences in the held-out set; 0 = none (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--heldout-seed", defaultValue = "20240607",
            description = "Noise seed of the held-out sentences, the evaluation's by default (default: ${DEFAULT-VALUE}).")
    long heldOutSeed;

    @Option(names = "--checkpoint-every", defaultValue = "500",
            description = "Checkpoint every this many steps; 0 = at the end only (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the initial weights, the data order and each epoch's noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--copy-drills", paramLabel = "SHARE", defaultValue = "0.5",
            description = "Copy drills added to each epoch, as a share of the training sentences: the words of a "
                    + "training sentence shuffled, then noised; their targets cannot be memorised, only copied "
                    + "(default: ${DEFAULT-VALUE}).")
    float copyDrills;

    @Option(names = "--threads", description = "Compute threads (default: the machine's cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--recipe", paramLabel = "FILE",
            description = "Re-run a whole training chain from scratch: the legs listed in FILE (weights/recipe.json), "
                    + "each starting from the model the leg before it wrote; the last leg writes --out. A leg that "
                    + "finished is skipped, an interrupted one resumes from its checkpoint, so the chain can run "
                    + "across several sittings. The other options are then taken from each leg.")
    Path recipe;

    @Option(names = "--recipe-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.cache/miniserve/recipe",
            description = "Where --recipe keeps each leg's model and checkpoint (default: ${DEFAULT-VALUE}).")
    Path recipeDir;

    @Option(names = "--speed-test", paramLabel = "N",
            description = "Only measure: run 3 warm-up steps and N timed steps of this configuration, print tokens/s "
                    + "and the projected time of --steps, and write nothing.")
    Integer speedTest;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Beside the checkpoint: the --init-from a run started from (empty: random weights). */
    static final String STARTED_FROM_FILE = "started-from.txt";
    /** Beside the checkpoint: the options that chose a run's data, which --resume keeps (the checkpoint holds the rest). */
    static final String DATA_OPTIONS_FILE = "data-options.json";

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (recipe != null) return TrainingRecipe.load(recipe).run(recipeDir, out, stdout, spec.commandLine().getErr());
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        if (resume && fresh) throw new IllegalArgumentException("--resume and --fresh exclude each other");
        if (resume && initFrom != null) throw new IllegalArgumentException("--resume continues a saved run; --init-from starts a new one");
        if (speedTest != null && speedTest < 1) throw new IllegalArgumentException("--speed-test needs at least 1 step");
        boolean saved = TrainingCheckpoint.exists(checkpointDir);
        if (resume && !saved) throw new IllegalArgumentException("--resume: no checkpoint in " + checkpointDir);
        if (resume) restoreDataOptions();
        SyntheticErrors.Profile profile = SyntheticErrors.Profile.named(errorProfile);
        if (!resume && !fresh && saved && speedTest == null)
            throw new IllegalArgumentException(checkpointDir + " holds a run at step " + TrainingCheckpoint.load(checkpointDir).step()
                    + "; pass --resume to continue it or --fresh to start a new one");

        GptWeights initial = initFrom == null || resume ? null : initialWeights();
        TrainingData data = TrainingData.load(this.data, extraTextFiles(), vocab, profile, maxWords);
        TrainingCheckpoint.State state = resume ? TrainingCheckpoint.load(checkpointDir) : null;
        if (state != null && spec.commandLine().getParseResult().hasMatchedOption("--steps")) {
            if (steps <= state.step())
                throw new IllegalArgumentException("--steps " + steps + ": the saved run has already done " + state.step() + " steps");
            state = state.withOptions(state.options().withSteps(steps));
        }
        TrainingOptions options = state != null ? state.options()
                : initial != null ? options(initial.config) : options(data.vocabSize());
        if (options.model().vocabSize() != data.vocabSize())
            throw new IllegalArgumentException("the checkpoint's vocabulary has " + options.model().vocabSize()
                    + " tokens, " + vocab + " has " + data.vocabSize());
        List<TrainingSequence> heldOutSet = speedTest != null ? List.of() : data.heldOut(heldOut, heldOutSeed);

        try (ComputePool pool = ComputePool.create(threads)) {
            SequenceSource source = data.source(options.copyDrills());
            Trainer trainer = state != null ? Trainer.resume(state, source, heldOutSet, pool)
                    : initial != null ? Trainer.warmStart(options, initial, source, heldOutSet, pool)
                    : Trainer.start(options, source, heldOutSet, pool);
            if (speedTest != null) return speedTest(stdout, trainer, data, pool);
            // A warm-started run remembers where it started, so that a resumed leg can say so in training-run.json.
            Path startedFrom = checkpointDir.resolve(STARTED_FROM_FILE);
            if (state == null) {
                Files.createDirectories(checkpointDir);
                Files.writeString(startedFrom, initFrom == null ? "" : initFrom.toString());
                JSON.writerWithDefaultPrettyPrinter().writeValue(checkpointDir.resolve(DATA_OPTIONS_FILE).toFile(), dataOptions());
            } else if (Files.isRegularFile(startedFrom) && !Files.readString(startedFrom).isBlank()) {
                initFrom = Path.of(Files.readString(startedFrom).strip());
            }

            TrainingProgress progress = TrainingProgress.on(spec.commandLine().getErr());
            // Ctrl-C or SIGTERM: the loop finishes its step and writes a checkpoint before the JVM exits.
            CountDownLatch loopDone = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                progress.stopping();
                trainer.requestStop();
                try {
                    loopDone.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "train-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            boolean finished;
            try {
                finished = trainer.run(checkpointDir, progress);
            } finally {
                loopDone.countDown();
            }
            if (!finished) return 130; // stopped by a signal, the JVM is already exiting
            Runtime.getRuntime().removeShutdownHook(hook);
            writeModel(stdout, trainer, data);
        }
        return 0;
    }

    TrainingOptions options(int vocabSize) {
        return options(new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead));
    }

    TrainingOptions options(GptConfig model) {
        return new TrainingOptions(model, batch, seqLen, steps, lr, minLr, warmup, weightDecay, beta1, beta2, adamEps,
                gradClip, evalEvery, checkpointEvery, seed, copyDrills);
    }

    /**
     * The weights of --init-from, with more positions if --n-positions asks for them and more blocks
     * if --n-layer does; the other size options, if given, must match the model's.
     */
    private GptWeights initialWeights() {
        GptWeights w;
        try {
            w = GptCheckpoint.load(initFrom);
        } catch (miniserve.model.CheckpointException e) {
            throw new IllegalArgumentException("--init-from: " + e.getMessage());
        }
        GptConfig c = w.config;
        var parsed = spec.commandLine().getParseResult();
        String[][] sizes = {{"--n-embd", "" + nEmbd, "" + c.nEmbd()}, {"--n-head", "" + nHead, "" + c.nHead()}};
        for (String[] o : sizes)
            if (parsed.hasMatchedOption(o[0]) && !o[1].equals(o[2]))
                throw new IllegalArgumentException(o[0] + " " + o[1] + " differs from the model in " + initFrom + " (" + o[2] + ")");
        if (parsed.hasMatchedOption("--n-layer") && nLayer < c.nLayer())
            throw new IllegalArgumentException("--n-layer " + nLayer + ": the model in " + initFrom + " has " + c.nLayer()
                    + " block(s), and a later leg may add blocks, not remove them");
        if (parsed.hasMatchedOption("--n-positions") && nPositions != c.nPositions()) w = w.withPositions(nPositions, seed);
        if (parsed.hasMatchedOption("--n-layer") && nLayer != c.nLayer()) w = w.withLayers(nLayer, seed);
        return w;
    }

    /** The options that choose the data, by name, with their values as they would be typed. */
    private Map<String, String> dataOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--data", data.toString());
        m.put("--extra-text", String.join(",", extraText.stream().map(Path::toString).toList()));
        m.put("--vocab", vocab.toString());
        m.put("--error-profile", SyntheticErrors.Profile.named(errorProfile).cliName());
        m.put("--max-words", String.valueOf(maxWords));
        m.put("--heldout", String.valueOf(heldOut));
        m.put("--heldout-seed", String.valueOf(heldOutSeed));
        return m;
    }

    /**
     * --resume: the data options the saved run was started with replace the defaults, so that it goes on
     * with the same data; one given on the command line with another value is an error. A checkpoint
     * written before runs recorded them takes the command line's.
     */
    private void restoreDataOptions() throws IOException {
        Path file = checkpointDir.resolve(DATA_OPTIONS_FILE);
        if (!Files.isRegularFile(file)) return;
        Map<String, String> saved = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() { });
        Map<String, String> given = dataOptions();
        var parsed = spec.commandLine().getParseResult();
        for (var e : saved.entrySet()) {
            String name = e.getKey(), value = e.getValue();
            if (parsed.hasMatchedOption(name) && !value.equals(given.get(name)))
                throw new IllegalArgumentException(name + " " + given.get(name) + ": the saved run was started with " + name + " "
                        + value + ", and --resume continues it on the same data (leave the option out, or start anew with --fresh)");
        }
        data = Path.of(saved.getOrDefault("--data", data.toString()));
        String extra = saved.getOrDefault("--extra-text", given.get("--extra-text"));
        extraText = extra.isEmpty() ? List.of() : Arrays.stream(extra.split(",")).map(Path::of).toList();
        vocab = Path.of(saved.getOrDefault("--vocab", vocab.toString()));
        errorProfile = saved.getOrDefault("--error-profile", errorProfile);
        maxWords = Integer.parseInt(saved.getOrDefault("--max-words", String.valueOf(maxWords)));
        heldOut = Integer.parseInt(saved.getOrDefault("--heldout", String.valueOf(heldOut)));
        heldOutSeed = Long.parseLong(saved.getOrDefault("--heldout-seed", String.valueOf(heldOutSeed)));
    }

    /** --extra-text, with "none" meaning no extra file. */
    private List<Path> extraTextFiles() {
        return extraText.stream().filter(p -> !p.toString().equals("none")).toList();
    }

    private int speedTest(PrintWriter stdout, Trainer trainer, TrainingData data, ComputePool pool) {
        TrainingOptions o = trainer.options();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < 3 && !trainer.finished(); i++) trainer.step();
        // The FMA loop runs before and after the timed steps and the better figure counts: a core
        // taken by something else for a moment would otherwise halve the ceiling.
        double peakBefore = FmaPeak.gflops(pool, 64 * threads, 5);
        double load0 = os.getSystemLoadAverage();
        long tokens0 = trainer.tokensSeen(), cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        int done = 0;
        double flops = 0;
        for (; done < speedTest && !trainer.finished(); done++) {
            trainer.step();
            flops += trainer.lastStepFlops();
        }
        double wall = (System.nanoTime() - t0) / 1e9, cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        double peak = Math.max(peakBefore, FmaPeak.gflops(pool, 64 * threads, 5));
        long tokens = trainer.tokensSeen() - tokens0;
        double perStep = wall / Math.max(1, done);
        stdout.printf(Locale.ROOT, "model: C=%d, %d layers, %d heads, %d positions, vocab %d: %,d parameters%n",
                o.model().nEmbd(), o.model().nLayer(), o.model().nHead(), o.model().nPositions(), o.model().vocabSize(),
                o.model().parameterCount());
        stdout.printf(Locale.ROOT, "data: %,d clean training sentences; batch %d, sequences up to %d tokens%n",
                data.cleanSentences(), o.batchSize(), o.seqLen());
        stdout.printf(Locale.ROOT, "%d steps on %d threads: %,d tokens in %.1f s = %,.0f tokens/s (%.2f s/step); "
                        + "process CPU %.1f s = %,.0f tokens per CPU-second%n",
                done, threads, tokens, wall, tokens / wall, perStep, cpu, tokens / cpu);
        stdout.printf(Locale.ROOT, "trainer: %.1f GFLOP/s (matrix products over every slot, padding included, and attention); "
                        + "FMA loop on the same %d threads: %.1f GFLOP/s; the trainer reaches %.0f%% of it%n",
                flops / wall / 1e9, threads, peak, 100 * flops / wall / 1e9 / peak);
        stdout.printf(Locale.ROOT, "load average %.1f before, %.1f after (%d cores): timings on a shared machine are noisy%n",
                load0, os.getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        stdout.printf(Locale.ROOT, "projected for %d steps: %s at this speed%n", o.steps(), ProgressBar.duration(perStep * o.steps()));
        return 0;
    }

    private void writeModel(PrintWriter stdout, Trainer trainer, TrainingData data) throws IOException {
        Files.createDirectories(out);
        GptCheckpoint.save(out, trainer.weights());
        for (String f : List.of("vocab.json", "merges.txt", PromptFormat.FILE_NAME)) {
            Path src = vocab.resolve(f), dst = out.resolve(f);
            if (!Files.exists(dst) || !Files.isSameFile(src, dst)) Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        }
        TrainingHistory h = trainer.history();
        h.writeCsv(out.resolve("training-loss.csv"));
        TrainingOptions o = trainer.options();
        h.writePng(out.resolve("training-loss.png"), String.format(Locale.ROOT, "miniserve tutor: C=%d, %d layers, %d heads, %d steps",
                o.model().nEmbd(), o.model().nLayer(), o.model().nHead(), o.steps()));
        List<TrainingHistory.Row> rows = h.rows();
        TrainingHistory.Row last = rows.get(rows.size() - 1);
        double lastTrain = 0;
        int window = Math.min(100, rows.size());
        for (int i = rows.size() - window; i < rows.size(); i++) lastTrain += rows.get(i).trainLoss();
        lastTrain /= window;

        ObjectNode run = JSON.createObjectNode();
        run.set("options", JSON.valueToTree(o));
        run.put("parameters", o.model().parameterCount());
        run.put("clean_training_sentences", data.cleanSentences());
        run.put("clean_ud_sentences", data.udSentences());
        run.put("extra_text", extraTextFiles().toString());
        run.put("init_from", initFrom == null ? null : initFrom.toString());
        run.put("error_profile", errorProfile.toLowerCase(java.util.Locale.ROOT));
        run.put("max_words", maxWords);
        run.put("steps", last.step());
        run.put("epochs_started", trainer.epoch() + 1);
        run.put("tokens", last.tokens());
        run.put("wall_seconds", Math.round(last.elapsedSeconds()));
        run.put("threads", threads);
        run.put("final_train_loss_mean_last_" + window + "_steps", lastTrain);
        if (!Float.isNaN(last.heldOutLoss())) run.put("final_heldout_loss", last.heldOutLoss());
        run.put("heldout_sentences", heldOut);
        run.put("heldout_seed", heldOutSeed);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("training-run.json").toFile(), run);

        stdout.printf(Locale.ROOT, "trained %d steps (%,d tokens) in %s; train loss %.4f (mean of the last %d steps)%s%n",
                last.step(), last.tokens(), ProgressBar.duration(last.elapsedSeconds()), lastTrain, window,
                Float.isNaN(last.heldOutLoss()) ? "" : String.format(Locale.ROOT, ", held-out loss %.4f", last.heldOutLoss()));
        stdout.println("wrote " + out.resolve(GptCheckpoint.WEIGHTS_FILE) + ", " + GptCheckpoint.CONFIG_FILE
                + ", the tokenizer files, training-loss.csv/.png and training-run.json");
    }
}
