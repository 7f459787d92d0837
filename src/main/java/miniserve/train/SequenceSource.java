package miniserve.train;

import java.util.List;
import miniserve.model.TrainingSequence;

/**
 * The training examples of one epoch. A new seed gives new noise over the same clean
 * sentences, so the model sees a fresh corruption of each sentence every epoch instead of
 * memorising one. Must be deterministic for a seed (a resumed run rebuilds its epoch).
 */
@FunctionalInterface
public interface SequenceSource {
    List<TrainingSequence> sequences(long seed);
}
