package miniserve.server;

/**
 * A text to correct ({@code {"text": "...", "learner_id": "..."}}): its sentences become one
 * {@link CorrectionRequest} each, rows of the same queue as every other request.
 */
public record TextRequest(String text, String learnerId) implements RequestBody {}
