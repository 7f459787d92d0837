package miniserve.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The body of {@code POST /correct}: {@code {"sentence": "...", "learner_id": "..."}}, where
 * {@code learner_id} may be left out or null. Other fields are ignored.
 */
public record CorrectionRequest(String sentence, String learnerId) {

    /** Learner ids are keys, not text: a generous bound that still keeps the history's memory small. */
    public static final int MAX_LEARNER_ID_CHARS = 128;

    /** Parses and checks a request body; every problem is a 400 {@link ApiError} saying what to fix. */
    public static CorrectionRequest parse(byte[] body, ObjectMapper json) {
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
        JsonNode sentence = root.get("sentence");
        if (sentence == null || sentence.isNull())
            throw badRequest("missing_sentence", "the field \"sentence\" is required");
        if (!sentence.isTextual())
            throw badRequest("invalid_field", "\"sentence\" must be a string, not " + kind(sentence));
        if (sentence.textValue().isBlank())
            throw badRequest("blank_sentence", "\"sentence\" must contain some text");
        JsonNode learner = root.get("learner_id");
        String learnerId = null;
        if (learner != null && !learner.isNull()) {
            if (!learner.isTextual())
                throw badRequest("invalid_field", "\"learner_id\" must be a string, not " + kind(learner));
            learnerId = learner.textValue();
            if (learnerId.isBlank())
                throw badRequest("invalid_field", "\"learner_id\" must not be blank (leave it out for an anonymous request)");
            if (learnerId.length() > MAX_LEARNER_ID_CHARS)
                throw badRequest("invalid_field", "\"learner_id\" must be at most " + MAX_LEARNER_ID_CHARS + " characters");
        }
        return new CorrectionRequest(sentence.textValue(), learnerId);
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
