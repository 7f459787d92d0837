package miniserve.train;

import miniserve.model.GptConfig;

/**
 * Everything that decides what a training run computes. Stored in every checkpoint, so a
 * resumed run continues the same run.
 *
 * @param model          shape of the model (vocabulary from the tokenizer)
 * @param batchSize      sequences per step
 * @param seqLen         longest sequence read by the model (longer examples are skipped)
 * @param steps          optimisation steps in total
 * @param learningRate   peak learning rate, reached after the warm-up
 * @param minLearningRate learning rate at the end of the cosine decay
 * @param warmupSteps    steps of linear warm-up
 * @param weightDecay    AdamW decoupled weight decay (2-D tensors only)
 * @param beta1          AdamW first-moment decay
 * @param beta2          AdamW second-moment decay
 * @param adamEps        AdamW epsilon
 * @param gradClip       global gradient-norm clip (0 = none)
 * @param evalEvery      held-out loss every this many steps (0 = only at the end)
 * @param checkpointEvery checkpoint every this many steps (0 = only at the end)
 * @param seed           initial weights, data order and the noise of every epoch derive from it
 * @param copyDrills     copy drills per epoch as a share of the training sentences (see
 *                       {@link TrainingData#source(double)}); read by whoever builds the data source
 */
public record TrainingOptions(GptConfig model, int batchSize, int seqLen, int steps,
                              float learningRate, float minLearningRate, int warmupSteps,
                              float weightDecay, float beta1, float beta2, float adamEps, float gradClip,
                              int evalEvery, int checkpointEvery, long seed, float copyDrills) {

    public TrainingOptions {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (seqLen < 2) throw new IllegalArgumentException("sequence length must be at least 2, got " + seqLen);
        if (seqLen > model.nPositions())
            throw new IllegalArgumentException("sequence length " + seqLen + " exceeds the model's " + model.nPositions() + " positions");
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        if (copyDrills < 0) throw new IllegalArgumentException("copy drill share must not be negative, got " + copyDrills);
        if (warmupSteps < 0 || evalEvery < 0 || checkpointEvery < 0 || gradClip < 0)
            throw new IllegalArgumentException("warm-up, eval and checkpoint intervals and the clip must not be negative");
        new LearningRateSchedule(learningRate, minLearningRate, warmupSteps, steps); // validates the rates
    }

    /** The same run with another total of steps (its cosine decay then ends there). */
    public TrainingOptions withSteps(int newSteps) {
        return new TrainingOptions(model, batchSize, seqLen, newSteps, learningRate, minLearningRate, warmupSteps,
                weightDecay, beta1, beta2, adamEps, gradClip, evalEvery, checkpointEvery, seed, copyDrills);
    }

    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(learningRate, minLearningRate, warmupSteps, steps);
    }
}
