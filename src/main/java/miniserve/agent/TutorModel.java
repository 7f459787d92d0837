package miniserve.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import miniserve.kernels.ComputePool;
import miniserve.language.EditClassifier;
import miniserve.model.Generator;
import miniserve.model.Generator.StopRule;
import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.model.RunningBatch;
import miniserve.tokenizer.BpeTokenizer;
import miniserve.tokenizer.PromptFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loaded tutor: weights, tokenizer, prompt format and edit classifier, all read-only and
 * shared. Each model thread gets its own {@link GrammarTutorAgent} from {@link #newAgent} (static batches),
 * or its own {@link ContinuousTutor} from {@link #newContinuousTutor} (a running batch).
 */
public final class TutorModel {

    /** The files a weights directory must hold. */
    public static final List<String> FILES = List.of(GptCheckpoint.CONFIG_FILE, GptCheckpoint.WEIGHTS_FILE,
            "vocab.json", "merges.txt", PromptFormat.FILE_NAME);

    private final GptWeights weights;
    private final BpeTokenizer tokenizer;
    private final TutorPrompt prompt;
    private final PromptFormat promptFormat;
    private final EditClassifier classifier;
    private final float copyBias;

    public TutorModel(GptWeights weights, BpeTokenizer tokenizer, PromptFormat format) {
        this(weights, tokenizer, format, 0f);
    }

    /**
     * @param copyBias how much likelier (as a log-probability margin) a first edit must be than
     *                 leaving the sentence as it is; 0 = plain greedy decoding
     */
    public TutorModel(GptWeights weights, BpeTokenizer tokenizer, PromptFormat format, float copyBias) {
        if (!(copyBias >= 0)) throw new IllegalArgumentException("copy bias must be >= 0, got " + copyBias);
        if (tokenizer.vocabSize() > weights.config.vocabSize())
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model only " + weights.config.vocabSize());
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.prompt = new TutorPrompt(tokenizer, format);
        this.promptFormat = format;
        this.classifier = new EditClassifier();
        this.copyBias = copyBias;
    }

    /**
     * Loads a weights directory. A missing directory or file fails with a message that names
     * it and says how to get the weights.
     */
    public static TutorModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir))
            throw new IOException("weights directory '" + dir + "' not found: " + HOW_TO_GET_WEIGHTS);
        List<String> missing = new ArrayList<>();
        for (String f : FILES) if (!Files.isRegularFile(dir.resolve(f))) missing.add(f);
        if (!missing.isEmpty())
            throw new IOException("weights directory '" + dir + "' lacks " + String.join(", ", missing) + ": " + HOW_TO_GET_WEIGHTS);
        GptWeights weights = GptCheckpoint.load(dir);
        BpeTokenizer tokenizer;
        PromptFormat format;
        try {
            tokenizer = BpeTokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
            format = PromptFormat.load(dir.resolve(PromptFormat.FILE_NAME));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new IOException(e.getMessage(), e);
        }
        float copyBias;
        try {
            copyBias = readCopyBias(dir.resolve(GENERATION_FILE));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            return new TutorModel(weights, tokenizer, format, copyBias);
        } catch (IllegalArgumentException e) {
            throw new IOException("weights directory '" + dir + "': " + e.getMessage(), e);
        }
    }

    /**
     * Optional decoding settings beside the checkpoint, as Hugging Face keeps them:
     * {@code {"copy_bias": 2.0}}. Absent: plain greedy decoding.
     */
    public static final String GENERATION_FILE = "generation_config.json";

    private static float readCopyBias(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return 0f;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode bias = root == null ? null : root.get("copy_bias");
        if (bias == null) return 0f;
        if (!bias.isNumber() || !(bias.asDouble() >= 0))
            throw new IllegalArgumentException(file + ": \"copy_bias\" must be a number >= 0, got " + bias);
        return (float) bias.asDouble();
    }

    /** The same model decoding with another copy bias (the evaluation measures several). */
    public TutorModel withCopyBias(float bias) {
        return new TutorModel(weights, tokenizer, promptFormat, bias);
    }

    /** How much likelier than leaving the sentence unchanged a first edit must be, as a log-probability margin. */
    public float copyBias() {
        return copyBias;
    }

    static final String HOW_TO_GET_WEIGHTS = "run from the repository root, where weights/ holds the shipped tutor model, "
            + "or pass --weights DIR (a directory with " + String.join(", ", FILES) + ")";

    public GptConfig config() {
        return weights.config;
    }

    /** The sentence's length in tokens, as the model sees it. */
    public int sentenceTokens(String sentence) {
        return prompt.sentenceTokens(sentence.strip());
    }

    /** The longest sentence, in tokens, that fits the model's context with {@code maxTokens} to generate. */
    public int maxSentenceTokens(int maxTokens) {
        return weights.config.nPositions() - maxTokens - prompt.overhead();
    }

    /**
     * The longest sentence, in tokens, whose answer can end within {@code maxTokens}: the answer is the
     * corrected sentence, about as long as the sentence, then the end token; a few tokens are left for
     * the words a correction adds ("a" → "an", a missing "the").
     */
    public int maxAnsweredTokens(int maxTokens) {
        return Math.max(1, maxTokens - 1 - ANSWER_GROWTH_TOKENS);
    }

    /** Tokens a correction may add to a sentence, for {@link #maxAnsweredTokens}. */
    static final int ANSWER_GROWTH_TOKENS = 4;

    /**
     * An agent for one model thread, with its own generator (KV cache and activations for
     * {@code maxBatch} rows) computing on {@code pool}.
     */
    public GrammarTutorAgent newAgent(ComputePool pool, int maxBatch, int maxTokens, StopRule stopRule) {
        checkMaxTokens(maxTokens);
        Generator generator = new Generator(weights, pool, maxBatch, stopRule);
        return new GrammarTutorAgent(this, generator, maxTokens);
    }

    /**
     * The tutor on a running batch of {@code rows} rows for one model thread (continuous batching),
     * computing on {@code pool}; each answer is at most {@code maxTokens} tokens, its end token counted.
     */
    public ContinuousTutor newContinuousTutor(ComputePool pool, int rows, int maxTokens) {
        checkMaxTokens(maxTokens);
        return new ContinuousTutor(this, new RunningBatch(weights, pool, rows), maxTokens);
    }

    private void checkMaxTokens(int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        if (maxSentenceTokens(maxTokens) < 1)
            throw new IllegalArgumentException("max tokens " + maxTokens + " leaves no room for a sentence in the model's "
                    + weights.config.nPositions() + " positions");
    }

    TutorPrompt prompt() {
        return prompt;
    }

    EditClassifier classifier() {
        return classifier;
    }
}
