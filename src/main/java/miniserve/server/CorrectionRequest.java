package miniserve.server;

/**
 * One sentence to correct: the body {@code {"sentence": "...", "learner_id": "..."}} of a request
 * ({@link RequestBody#parse}), and the payload of one row of the model, which a text is several of.
 */
public record CorrectionRequest(String sentence, String learnerId) implements RequestBody {}
