package miniserve.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * How a correction is laid out as one token sequence: {@code source <|sep|> target <|endoftext|>}
 * for training, {@code source <|sep|>} as the prompt at inference, generation ending at the end
 * token. Read from {@code prompt_format.json} in the weights directory, e.g.
 * {@code {"separator": "<|sep|>", "end": "<|endoftext|>"}}.
 *
 * <p>Source and target are encoded as plain text ({@link BpeTokenizer#encodeOrdinary}): a learner who
 * types {@code <|endoftext|>} gets those characters corrected, not a control token. For text without
 * such strings this is the same as {@code encode(source + separator)}.
 */
public record PromptFormat(String separator, String end) {

    /** The file name in a weights directory. */
    public static final String FILE_NAME = "prompt_format.json";
    /** The tutor's format. */
    public static final PromptFormat DEFAULT = new PromptFormat("<|sep|>", "<|endoftext|>");

    private static final ObjectMapper JSON = new ObjectMapper();

    public PromptFormat {
        for (String t : new String[]{separator, end})
            if (t == null || !BpeTokenizer.isSpecialShape(t))
                throw new IllegalArgumentException("prompt format tokens must be special tokens shaped <|...|>, got " + t);
        if (separator.equals(end)) throw new IllegalArgumentException("separator and end token must differ: " + end);
    }

    /**
     * A training sequence and where its target starts: positions {@code targetStart..length-1} (the
     * target and the end token) are the ones the loss is computed on, each predicted from the
     * position before it.
     */
    public record TrainingSequence(int[] ids, int targetStart) {}

    /** Reads {@code prompt_format.json}; a missing file or field fails with a message naming the file. */
    public static PromptFormat load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new UncheckedIOException("prompt format file not found: " + file, (IOException) e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object");
        String sep = text(root, "separator", file), end = text(root, "end", file);
        try {
            return new PromptFormat(sep, end);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException(file + ": missing text field \"" + field + "\"");
        return n.asText();
    }

    public void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("separator", separator);
        o.put("end", end);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    public int separatorId(BpeTokenizer tok) {
        return tok.tokenId(separator);
    }

    public int endId(BpeTokenizer tok) {
        return tok.tokenId(end);
    }

    /** The inference prompt: {@code source <|sep|>}. */
    public int[] promptIds(BpeTokenizer tok, String source) {
        int[] src = tok.encodeOrdinary(source);
        int[] out = java.util.Arrays.copyOf(src, src.length + 1);
        out[src.length] = separatorId(tok);
        return out;
    }

    /** The training sequence {@code source <|sep|> target <|endoftext|>}. */
    public TrainingSequence trainingIds(BpeTokenizer tok, String source, String target) {
        int[] src = tok.encodeOrdinary(source), tgt = tok.encodeOrdinary(target);
        int[] out = new int[src.length + tgt.length + 2];
        System.arraycopy(src, 0, out, 0, src.length);
        out[src.length] = separatorId(tok);
        System.arraycopy(tgt, 0, out, src.length + 1, tgt.length);
        out[out.length - 1] = endId(tok);
        return new TrainingSequence(out, src.length + 1);
    }
}
