package miniserve.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import miniserve.kernels.ComputePool;
import miniserve.model.GptTraining;
import miniserve.model.GptWeights;
import miniserve.model.TrainingBatch;
import miniserve.model.TrainingSequence;

/**
 * The training loop: batches from a {@link SequenceSource} (fresh noise every epoch), forward,
 * backward, global-norm clipping, AdamW at the scheduled learning rate; held-out loss every N
 * steps and checkpoints every K steps, from which {@link #resume} continues the same run.
 *
 * <p>Deterministic: the initial weights come from the seed, the examples and order of epoch e
 * from a seed derived from (seed, e), and every kernel sums in a fixed order whatever the
 * number of threads. A resumed run therefore computes exactly what the uninterrupted run would.
 */
public final class Trainer {

    /** Observer of a run's progress (the progress bar). All methods run on the training thread. */
    public interface Listener {
        default void started(Trainer trainer) {}
        default void epochStarted(Trainer trainer, int epoch, int batches, int skippedTooLong) {}
        default void stepDone(Trainer trainer, TrainingHistory.Row row) {}
        default void heldOut(Trainer trainer, int step, float loss) {}
        default void checkpointSaved(Trainer trainer, Path dir) {}
    }

    /** An epoch's batches, and how many examples were left out for exceeding the sequence length. */
    record EpochPlan(List<List<TrainingSequence>> batches, int skippedTooLong) {}

    /** Batches of similar length are formed within windows of this many batches (less padding). */
    static final int BUCKET_WINDOW_BATCHES = 16;

    private final TrainingOptions options;
    private final SequenceSource source;
    private final List<List<TrainingSequence>> heldOutBatches;
    private final GptTraining model;
    private final AdamW adam;
    private final LearningRateSchedule schedule;
    private final TrainingBatch batch;
    private final TrainingHistory history;

    private int step, epoch, batchInEpoch;
    private long tokens;
    private double elapsedSeconds;
    private long mark = System.nanoTime();
    private List<List<TrainingSequence>> epochBatches;
    private Listener listener = new Listener() {};
    private volatile boolean stopRequested;

    private Trainer(TrainingOptions options, SequenceSource source, List<TrainingSequence> heldOut, ComputePool pool,
                    GptWeights params, GptWeights m, GptWeights v, int adamSteps, TrainingHistory history) {
        this.options = options;
        this.source = source;
        this.heldOutBatches = planHeldOut(heldOut, options.batchSize(), options.seqLen());
        this.model = new GptTraining(params, options.batchSize(), options.seqLen(), pool);
        this.adam = new AdamW(params, model.gradients(), m, v, adamSteps, options.beta1(), options.beta2(),
                options.adamEps(), options.weightDecay(), pool);
        this.schedule = options.schedule();
        this.batch = new TrainingBatch(options.batchSize(), options.seqLen());
        this.history = history;
    }

    /** A new run from weights initialised with the options' seed. */
    public static Trainer start(TrainingOptions options, SequenceSource source, List<TrainingSequence> heldOut, ComputePool pool) {
        GptWeights params = GptWeights.random(options.model(), options.seed());
        return new Trainer(options, source, heldOut, pool, params, new GptWeights(options.model()),
                new GptWeights(options.model()), 0, new TrainingHistory());
    }

    /**
     * A new run that starts from trained weights instead of random ones (a later leg of a training
     * chain): fresh AdamW moments, so the options' warm-up steps let them settle before the full
     * learning rate applies.
     */
    public static Trainer warmStart(TrainingOptions options, GptWeights initial, SequenceSource source,
                                    List<TrainingSequence> heldOut, ComputePool pool) {
        if (!initial.config.equals(options.model()))
            throw new IllegalArgumentException("the initial weights are a " + initial.config + ", the run trains a " + options.model());
        return new Trainer(options, source, heldOut, pool, initial, new GptWeights(options.model()),
                new GptWeights(options.model()), 0, new TrainingHistory());
    }

    /** Continues the run saved in a checkpoint, with the checkpoint's options. */
    public static Trainer resume(TrainingCheckpoint.State state, SequenceSource source, List<TrainingSequence> heldOut, ComputePool pool) {
        Trainer t = new Trainer(state.options(), source, heldOut, pool, state.params(), state.m(), state.v(),
                state.adamSteps(), state.history());
        t.step = state.step();
        t.epoch = state.epoch();
        t.batchInEpoch = state.batchInEpoch();
        t.tokens = state.tokens();
        t.elapsedSeconds = state.elapsedSeconds();
        return t;
    }

    public TrainingOptions options() { return options; }
    public GptWeights weights() { return model.parameters(); }
    public TrainingHistory history() { return history; }
    /** Steps completed. */
    public int stepsDone() { return step; }
    public int epoch() { return epoch; }
    public long tokensSeen() { return tokens; }
    public double elapsedSeconds() { return elapsedSeconds; }
    public boolean finished() { return step >= options.steps(); }
    public boolean hasHeldOut() { return !heldOutBatches.isEmpty(); }

    /** Everything a checkpoint needs (the arrays are the live ones: save before the next step). */
    public TrainingCheckpoint.State state() {
        return new TrainingCheckpoint.State(options, step, epoch, batchInEpoch, tokens, elapsedSeconds, adam.stepsTaken(),
                history, model.parameters(), adam.firstMoment(), adam.secondMoment());
    }

    /**
     * Asks {@link #run} to stop after the step in progress, writing a checkpoint first (any
     * thread may call it, e.g. a shutdown hook on Ctrl-C).
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Runs until the last step, with held-out evaluations and checkpoints (checkpointDir may be
     * null). Returns false if it stopped early on {@link #requestStop()}.
     */
    public boolean run(Path checkpointDir, Listener listener) throws IOException {
        this.listener = listener;
        mark = System.nanoTime();
        listener.started(this);
        while (!finished()) {
            if (stopRequested) {
                if (checkpointDir != null) {
                    saveCheckpoint(checkpointDir);
                    listener.checkpointSaved(this, checkpointDir);
                }
                return false;
            }
            TrainingHistory.Row row = step();
            listener.stepDone(this, row);
            boolean last = finished();
            if (hasHeldOut() && (last || (options.evalEvery() > 0 && step % options.evalEvery() == 0))) {
                float h = heldOutLoss();
                history.setLastHeldOut(h);
                listener.heldOut(this, step, h);
            }
            if (checkpointDir != null && (last || (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0))) {
                saveCheckpoint(checkpointDir);
                listener.checkpointSaved(this, checkpointDir);
            }
        }
        return true;
    }

    public void saveCheckpoint(Path dir) throws IOException {
        updateElapsed();
        TrainingCheckpoint.save(dir, state());
    }

    /** One optimisation step on the next batch; returns its history row. */
    public TrainingHistory.Row step() {
        if (finished()) throw new IllegalStateException("the run has done all its " + options.steps() + " steps");
        // A resumed run first rebuilds its epoch; a checkpoint taken at an epoch's end moves on to the next.
        while (epochBatches == null || batchInEpoch >= epochBatches.size()) {
            if (epochBatches != null) {
                epoch++;
                batchInEpoch = 0;
            }
            long seed = epochSeed(options.seed(), epoch);
            EpochPlan plan = planEpoch(source.sequences(seed), options.batchSize(), options.seqLen(), seed ^ 0x5DEECE66DL);
            epochBatches = plan.batches();
            listener.epochStarted(this, epoch, epochBatches.size(), plan.skippedTooLong());
        }
        batch.fill(epochBatches.get(batchInEpoch));
        float loss = model.forward(batch);
        model.backward();
        float norm = adam.gradientNorm();
        float lr = schedule.at(step);
        if (!Float.isFinite(loss) || !Float.isFinite(norm))
            throw new IllegalStateException("training diverged at step " + (step + 1) + " (loss " + loss + ", gradient norm "
                    + norm + "); lower --lr or raise --warmup");
        adam.update(lr, AdamW.clipScale(norm, options.gradClip()));
        step++;
        batchInEpoch++;
        tokens += batch.realTokens();
        updateElapsed();
        TrainingHistory.Row row = new TrainingHistory.Row(step, lr, loss, norm, Float.NaN, tokens, elapsedSeconds);
        history.add(row);
        return row;
    }

    /** Floating-point operations of the last step ({@link GptTraining#stepFlops()}). */
    public double lastStepFlops() {
        return model.stepFlops();
    }

    /** Mean cross-entropy per target token over the held-out set (NaN if there is none). */
    public float heldOutLoss() {
        double sum = 0;
        long count = 0;
        for (List<TrainingSequence> b : heldOutBatches) {
            batch.fill(b);
            int n = batch.lossTokens();
            sum += (double) model.loss(batch) * n;
            count += n;
        }
        return count == 0 ? Float.NaN : (float) (sum / count);
    }

    private void updateElapsed() {
        long now = System.nanoTime();
        elapsedSeconds += (now - mark) / 1e9;
        mark = now;
    }

    /** The seed of epoch e's examples (noise) and order. */
    static long epochSeed(long seed, int epoch) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L))).nextLong();
    }

    /**
     * Shuffles the examples, groups them into batches of similar length (sorted within windows
     * of {@link #BUCKET_WINDOW_BATCHES} batches, so little compute goes to padding while the
     * order stays random), and shuffles the batches. Examples longer than seqLen are left out.
     */
    static EpochPlan planEpoch(List<TrainingSequence> sequences, int batchSize, int seqLen, long seed) {
        List<TrainingSequence> kept = new ArrayList<>(sequences.size());
        for (TrainingSequence s : sequences) if (s.inputLength() <= seqLen) kept.add(s);
        if (kept.isEmpty())
            throw new IllegalArgumentException("no training example fits in the sequence length " + seqLen
                    + " (" + sequences.size() + " examples)");
        SplittableRandom rnd = new SplittableRandom(seed);
        shuffle(kept, rnd);
        List<List<TrainingSequence>> batches = new ArrayList<>();
        int window = batchSize * BUCKET_WINDOW_BATCHES;
        for (int w = 0; w < kept.size(); w += window) {
            List<TrainingSequence> chunk = new ArrayList<>(kept.subList(w, Math.min(kept.size(), w + window)));
            chunk.sort(Comparator.comparingInt(TrainingSequence::inputLength));
            for (int i = 0; i < chunk.size(); i += batchSize)
                batches.add(List.copyOf(chunk.subList(i, Math.min(chunk.size(), i + batchSize))));
        }
        shuffle(batches, rnd);
        return new EpochPlan(Collections.unmodifiableList(batches), sequences.size() - kept.size());
    }

    /** Held-out batches: sorted by length (least padding), no shuffling; too-long examples left out. */
    static List<List<TrainingSequence>> planHeldOut(List<TrainingSequence> heldOut, int batchSize, int seqLen) {
        List<TrainingSequence> kept = new ArrayList<>();
        for (TrainingSequence s : heldOut) if (s.inputLength() <= seqLen) kept.add(s);
        kept.sort(Comparator.comparingInt(TrainingSequence::inputLength));
        List<List<TrainingSequence>> batches = new ArrayList<>();
        for (int i = 0; i < kept.size(); i += batchSize) batches.add(List.copyOf(kept.subList(i, Math.min(kept.size(), i + batchSize))));
        return batches;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) Collections.swap(list, i, rnd.nextInt(i + 1));
    }
}
