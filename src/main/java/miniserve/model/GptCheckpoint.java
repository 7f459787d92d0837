package miniserve.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face GPT-2 checkpoint directory: {@code config.json} and {@code model.safetensors}
 * (tensor names as in {@link GptWeights#tensors()}, optionally under a {@code transformer.} prefix).
 * What {@link #save} writes opens in Hugging Face's {@code GPT2LMHeadModel}.
 */
public final class GptCheckpoint {
    private GptCheckpoint() {}

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Prefix of the base model's tensors when a checkpoint was saved from the LM-head model. */
    static final String PREFIX = "transformer.";

    /** Activation names Hugging Face uses for GPT-2's tanh-approximated GELU. */
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");
    private static final Pattern LAYER_NAME = Pattern.compile("^(?:transformer\\.)?h\\.(\\d+)\\.");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads {@code config.json} of a checkpoint directory. */
    public static GptConfig readConfig(Path dir) throws CheckpointException {
        Path file = dir.resolve(CONFIG_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": file not found (a GPT-2 checkpoint directory holds "
                    + CONFIG_FILE + " and " + WEIGHTS_FILE + ")");
        } catch (IOException e) {
            throw new CheckpointException(file + ": not readable JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new CheckpointException(file + ": expected a JSON object");
        String act = root.path("activation_function").asText("gelu_new");
        if (!TANH_GELU.contains(act))
            throw new CheckpointException(file + ": activation_function '" + act + "' is not supported (GPT-2 uses gelu_new)");
        int nEmbd = intField(file, root, "n_embd", null);
        JsonNode inner = root.get("n_inner");
        if (inner != null && !inner.isNull() && inner.asInt() != 4 * nEmbd)
            throw new CheckpointException(file + ": n_inner " + inner.asText() + " is not supported (must be 4 * n_embd = " + 4 * nEmbd + ")");
        double eps = root.has("layer_norm_epsilon") ? root.get("layer_norm_epsilon").asDouble(Double.NaN) : 1e-5;
        if (!(eps > 0)) throw new CheckpointException(file + ": layer_norm_epsilon must be a positive number");
        try {
            return new GptConfig(intField(file, root, "vocab_size", null), intField(file, root, "n_positions", "n_ctx"),
                    nEmbd, intField(file, root, "n_layer", null), intField(file, root, "n_head", null), (float) eps);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    private static int intField(Path file, JsonNode root, String name, String alias) throws CheckpointException {
        JsonNode v = root.get(name);
        if ((v == null || v.isNull()) && alias != null) v = root.get(alias);
        if (v == null || v.isNull())
            throw new CheckpointException(file + ": missing '" + name + "'" + (alias == null ? "" : " (or '" + alias + "')"));
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0)
            throw new CheckpointException(file + ": '" + name + "' must be a positive integer, got " + v);
        return v.asInt();
    }

    /**
     * Loads a checkpoint directory. Every tensor is checked against the shape {@code config.json}
     * implies; any problem fails here with a message naming the file and the tensor.
     */
    public static GptWeights load(Path dir) throws CheckpointException {
        GptConfig config = readConfig(dir);
        GptWeights w = new GptWeights(config);
        Path file = dir.resolve(WEIGHTS_FILE);
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, Safetensors.Entry> entries = st.entries();
            for (Map.Entry<String, Safetensors.Entry> e : entries.entrySet()) {
                Matcher m = LAYER_NAME.matcher(e.getKey());
                if (m.find() && Long.parseLong(m.group(1)) >= config.nLayer())
                    throw new CheckpointException(file + ": tensor '" + e.getKey() + "' belongs to a layer beyond n_layer = "
                            + config.nLayer() + " in " + CONFIG_FILE + " (the two files disagree)");
            }
            for (GptWeights.Tensor t : w.tensors().values()) {
                String name = entries.containsKey(t.name()) ? t.name() : PREFIX + t.name();
                Safetensors.Entry e = entries.get(name);
                if (e == null)
                    throw new CheckpointException(file + ": tensor '" + t.name() + "' is missing (also looked for '" + name + "')");
                if (!Arrays.equals(e.shape(), Arrays.stream(t.shape()).asLongStream().toArray()))
                    throw new CheckpointException(file + ": tensor '" + name + "' has shape " + e.shapeString() + ", expected "
                            + Arrays.toString(t.shape()) + " from " + CONFIG_FILE);
                st.readFloats(name, t.data());
            }
            // The LM head is tied to the token embedding; a file that stores it must store the same values.
            for (String head : new String[]{"lm_head.weight", PREFIX + "lm_head.weight"}) {
                if (entries.containsKey(head) && !st.contentEquals(head, w.wte))
                    throw new CheckpointException(file + ": tensor '" + head + "' differs from wte.weight; "
                            + "only a tied LM head is supported");
            }
        } catch (IOException e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
        return w;
    }

    /**
     * Writes {@code model.safetensors} (F32) and {@code config.json} into {@code dir} (created if
     * needed), each replaced atomically.
     */
    public static void save(Path dir, GptWeights w) throws IOException {
        Files.createDirectories(dir);
        Safetensors.writeF32(dir.resolve(WEIGHTS_FILE), w.tensors().values(), Map.of("format", "pt"));
        Path config = dir.resolve(CONFIG_FILE);
        Path tmp = dir.resolve(CONFIG_FILE + ".tmp"); // made like any new file, as the weights are
        try {
            JSON.writeValue(tmp.toFile(), configJson(w.config));
            Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code config.json} in Hugging Face's GPT-2 form (dropouts at their defaults: they only matter in training there). */
    static ObjectNode configJson(GptConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", "gpt2");
        n.putArray("architectures").add("GPT2LMHeadModel");
        n.put("activation_function", "gelu_new");
        n.put("vocab_size", c.vocabSize());
        n.put("n_positions", c.nPositions());
        n.put("n_ctx", c.nPositions());
        n.put("n_embd", c.nEmbd());
        n.put("n_layer", c.nLayer());
        n.put("n_head", c.nHead());
        n.putNull("n_inner");
        // Through its shortest decimal form, so 1e-5f is written as 1.0E-5 rather than 9.99999974738E-6.
        n.put("layer_norm_epsilon", Double.parseDouble(Float.toString(c.layerNormEps())));
        n.put("initializer_range", 0.02);
        n.put("attn_pdrop", 0.1);
        n.put("embd_pdrop", 0.1);
        n.put("resid_pdrop", 0.1);
        n.put("scale_attn_weights", true);
        n.put("tie_word_embeddings", true);
        n.put("use_cache", true);
        return n;
    }
}
