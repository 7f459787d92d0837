package miniserve.model;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used: missing, truncated, malformed, or not matching the
 * model's shape. The message names the file and, where there is one, the tensor.
 */
public final class CheckpointException extends IOException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
