package miniserve.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing GPT-2's tokenizer files: {@code vocab.json} (a JSON object token → id) and
 * {@code merges.txt} (a {@code #version} line, then one merge per line, "left right", in rank order).
 * Errors name the file and, where there is one, the line.
 */
public final class VocabFiles {

    private static final JsonFactory JSON = new JsonFactory();

    private VocabFiles() {}

    /** Reads {@code vocab.json}: token → id, in file order. */
    public static Map<String, Integer> readVocab(Path file) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(Files.newInputStream(file))) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw bad(file, "expected a JSON object of token -> id");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT)
                    throw bad(file, "the id of token " + quote(token) + " is not an integer (line " + p.currentLocation().getLineNr() + ")");
                int id = p.getIntValue();
                if (vocab.put(token, id) != null) throw bad(file, "token " + quote(token) + " appears twice");
            }
            if (t != JsonToken.END_OBJECT) throw bad(file, "expected a JSON object of token -> id");
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("vocabulary file not found: " + file, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw bad(file, "not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabulary file " + file + ": " + e.getMessage(), e);
        }
        if (vocab.isEmpty()) throw bad(file, "the vocabulary is empty");
        return vocab;
    }

    /** Reads {@code merges.txt}: merges in rank order (a first line starting with {@code #} is skipped). */
    public static List<Merge> readMerges(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("merges file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read merges file " + file + ": " + e.getMessage(), e);
        }
        List<Merge> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("#")) continue;
            if (line.isEmpty()) {
                if (i == lines.size() - 1) continue;
                throw bad(file, "line " + (i + 1) + " is empty");
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0)
                throw bad(file, "line " + (i + 1) + " is not two tokens separated by one space: " + quote(line));
            merges.add(new Merge(line.substring(0, space), line.substring(space + 1)));
        }
        return merges;
    }

    /** Writes {@code vocab.json} with tokens in id order, as Hugging Face's GPT-2 files. */
    public static void writeVocab(Path file, List<String> tokensById) throws IOException {
        createParent(file);
        try (JsonGenerator g = JSON.createGenerator(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            g.writeStartObject();
            for (int id = 0; id < tokensById.size(); id++) g.writeNumberField(tokensById.get(id), id);
            g.writeEndObject();
        }
    }

    /** Writes {@code merges.txt} in GPT-2's format. */
    public static void writeMerges(Path file, List<Merge> merges) throws IOException {
        createParent(file);
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.write("#version: 0.2\n");
            for (Merge m : merges) w.write(m.left() + " " + m.right() + "\n");
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }

    static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + ": " + what);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) b.append(String.format("\\u%04x", cp));
            else b.appendCodePoint(cp);
        });
        return b.append('"').toString();
    }
}
