package miniserve.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The body of {@code POST /correct} and {@code POST /correct/stream}: a sentence
 * ({@code {"sentence": "...", "learner_id": "..."}}, a {@link CorrectionRequest}) or a text
 * ({@code {"text": "...", "learner_id": "..."}}, a {@link TextRequest}); exactly one of the two fields.
 * {@code learner_id} may be left out or null. Other fields are ignored.
 */
public sealed interface RequestBody permits CorrectionRequest, TextRequest {

    /** Learner ids are keys, not text: a generous bound that still keeps the history's memory small. */
    int MAX_LEARNER_ID_CHARS = 128;

    /** The learner the request names, or null. */
    String learnerId();

    /**
     * Parses and checks a request body; every problem is a 400 {@link ApiError} saying what to fix, and a
     * text longer than {@code maxTextChars} (UTF-16 units, as JavaScript counts) is a 413 {@code text_too_long}.
     */
    static RequestBody parse(byte[] body, ObjectMapper json, int maxTextChars) {
        if (body.length == 0)
            throw badRequest("empty_body", "the body is empty; send a JSON object such as {\"sentence\": \"She go to school.\"}");
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw badRequest("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw badRequest("malformed_json", "the body could not be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject())
            throw badRequest("invalid_body", "the body must be a JSON object such as {\"sentence\": \"She go to school.\"}");
        String learnerId = learnerId(root.get("learner_id"));
        JsonNode sentence = present(root.get("sentence"));
        JsonNode text = present(root.get("text"));
        if (sentence != null && text != null)
            throw badRequest("sentence_and_text", "send either \"sentence\" (one sentence) or \"text\" (several), not both");
        if (sentence == null && text == null)
            throw badRequest("missing_sentence", "the field \"sentence\" (one sentence) or \"text\" (several) is required");
        if (text != null) {
            String t = textual(text, "text");
            if (t.isBlank()) throw badRequest("blank_text", "\"text\" must contain some text");
            if (t.length() > maxTextChars)
                throw new ApiError(413, "text_too_long", "the text is " + t.length() + " characters long; the limit is " + maxTextChars
                        + " (send it in parts)");
            return new TextRequest(t, learnerId);
        }
        String s = textual(sentence, "sentence");
        if (s.isBlank()) throw badRequest("blank_sentence", "\"sentence\" must contain some text");
        return new CorrectionRequest(s, learnerId);
    }

    private static JsonNode present(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static String textual(JsonNode n, String field) {
        if (!n.isTextual()) throw badRequest("invalid_field", "\"" + field + "\" must be a string, not " + kind(n));
        return n.textValue();
    }

    private static String learnerId(JsonNode learner) {
        if (present(learner) == null) return null;
        String id = textual(learner, "learner_id");
        if (id.isBlank())
            throw badRequest("invalid_field", "\"learner_id\" must not be blank (leave it out for an anonymous request)");
        if (id.length() > MAX_LEARNER_ID_CHARS)
            throw badRequest("invalid_field", "\"learner_id\" must be at most " + MAX_LEARNER_ID_CHARS + " characters");
        return id;
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> n.getNodeType().name().toLowerCase();
        };
    }

    private static ApiError badRequest(String error, String detail) {
        return new ApiError(400, error, detail);
    }
}
