package miniserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.model.Safetensors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code ./miniserve model-info}: what a checkpoint holds, and a way to write a random one. */
@Command(name = "model-info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Loads a GPT-2 checkpoint directory, checking every tensor, and prints its configuration, "
                        + "parameter count and file size.",
                "The directory holds config.json and model.safetensors in Hugging Face's layout.",
                "With --write-random DIR it first writes a checkpoint of random weights (GPT-2's initialisation) "
                        + "to DIR, for development before trained weights exist, and then describes that."})
public final class ModelInfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--weights", paramLabel = "DIR", defaultValue = "weights",
            description = "Checkpoint directory to describe (default: ${DEFAULT-VALUE}). Ignored with --write-random.")
    Path weights;

    @ArgGroup(exclusive = false, heading = "%nWriting a random checkpoint:%n")
    RandomCheckpoint random;

    static final class RandomCheckpoint {
        @Option(names = "--write-random", paramLabel = "DIR", required = true,
                description = "Write config.json and model.safetensors of a random model to DIR (created if needed).")
        Path dir;

        @Option(names = "--tokenizer-from", paramLabel = "DIR",
                description = "Copy vocab.json, merges.txt and prompt_format.json (those present) from DIR, "
                        + "and take the vocabulary size from vocab.json unless --vocab-size is given.")
        Path tokenizerFrom;

        @Option(names = "--vocab-size", description = "Vocabulary size (default: from --tokenizer-from, else 50257).")
        Integer vocabSize;

        @Option(names = "--n-positions", defaultValue = "1024", description = "Context length (default: ${DEFAULT-VALUE}).")
        int nPositions;

        @Option(names = "--n-embd", defaultValue = "768", description = "Embedding width (default: ${DEFAULT-VALUE}).")
        int nEmbd;

        @Option(names = "--n-layer", defaultValue = "12", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
        int nLayer;

        @Option(names = "--n-head", defaultValue = "12", description = "Attention heads (default: ${DEFAULT-VALUE}).")
        int nHead;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--force", description = "Overwrite an existing checkpoint in DIR.")
        boolean force;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = weights;
        if (random != null) {
            dir = random.dir;
            writeRandom(random, out);
        }
        describe(dir, out);
        out.flush();
        return 0;
    }

    private static void writeRandom(RandomCheckpoint r, PrintWriter out) throws IOException {
        if (!r.force && Files.exists(r.dir.resolve(GptCheckpoint.WEIGHTS_FILE)))
            throw new IllegalArgumentException(r.dir.resolve(GptCheckpoint.WEIGHTS_FILE) + " already exists; use --force to overwrite it");
        int vocab = r.vocabSize != null ? r.vocabSize : r.tokenizerFrom != null ? vocabSizeOf(r.tokenizerFrom) : 50257;
        GptConfig config;
        try {
            config = new GptConfig(vocab, r.nPositions, r.nEmbd, r.nLayer, r.nHead);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid model shape: " + e.getMessage());
        }
        GptCheckpoint.save(r.dir, GptWeights.random(config, r.seed));
        if (r.tokenizerFrom != null) {
            for (String name : new String[]{"vocab.json", "merges.txt", "prompt_format.json"}) {
                Path src = r.tokenizerFrom.resolve(name);
                if (Files.exists(src)) Files.copy(src, r.dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        out.println("wrote random weights (seed " + r.seed + ") to " + r.dir);
    }

    /** One more than the largest id in a GPT-2 {@code vocab.json} (token -> id). */
    private static int vocabSizeOf(Path tokenizerDir) throws IOException {
        Path vocab = tokenizerDir.resolve("vocab.json");
        if (!Files.exists(vocab)) throw new IllegalArgumentException(vocab + ": file not found");
        JsonNode root = new ObjectMapper().readTree(vocab.toFile());
        if (root == null || !root.isObject() || root.isEmpty())
            throw new IllegalArgumentException(vocab + ": expected a JSON object of token -> id");
        int max = -1;
        for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) max = Math.max(max, it.next().asInt(-1));
        return max + 1;
    }

    private static void describe(Path dir, PrintWriter out) throws IOException {
        long t0 = System.nanoTime();
        GptWeights w = GptCheckpoint.load(dir);
        double seconds = (System.nanoTime() - t0) / 1e9;
        GptConfig c = w.config;
        Path file = dir.resolve(GptCheckpoint.WEIGHTS_FILE);
        TreeMap<String, Integer> dtypes = new TreeMap<>();
        int tensors;
        try (Safetensors st = Safetensors.open(file)) {
            st.entries().values().forEach(e -> dtypes.merge(e.dtype(), 1, Integer::sum));
            tensors = st.entries().size();
        }
        out.printf(Locale.ROOT, "checkpoint    %s%n", dir.toAbsolutePath().normalize());
        out.printf(Locale.ROOT, "config        vocab_size=%d n_positions=%d n_embd=%d n_layer=%d n_head=%d (head dim %d) layer_norm_epsilon=%s%n",
                c.vocabSize(), c.nPositions(), c.nEmbd(), c.nLayer(), c.nHead(), c.headDim(), c.layerNormEps());
        out.printf(Locale.ROOT, "parameters    %,d (%.1f M; LM head tied to wte)%n", c.parameterCount(), c.parameterCount() / 1e6);
        out.printf(Locale.ROOT, "weights file  %s: %.1f MB, %d tensors %s%n", file.getFileName(), Files.size(file) / 1e6, tensors, dtypes);
        out.printf(Locale.ROOT, "loaded in     %.2f s%n", seconds);
        for (String name : new String[]{"vocab.json", "merges.txt", "prompt_format.json"})
            out.printf(Locale.ROOT, "%-13s %s%n", name, Files.exists(dir.resolve(name)) ? "present" : "absent");
    }
}
