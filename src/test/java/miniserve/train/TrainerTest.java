package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import miniserve.kernels.ComputePool;
import miniserve.model.Gpt;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.model.TrainingSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    // Serial: on a loaded 2-core machine every hand-off to a second thread can wait for a time
    // slice, which dominates steps this small. One test below runs the pool of two.
    private static final ComputePool POOL = ComputePool.serial();

    // A stand-in for the synthetic-error pairs: tokens 0..9 are words, 10 is <|sep|>, 11 is <|endoftext|>.
    // The "learner" sentence has one word replaced by another; the target is the clean sentence.
    static final int SEP = 10, EOT = 11, VOCAB = 12;

    /** The clean sentences: fixed. The noise: a function of the seed, like the real source. */
    static SequenceSource noisyCopies(int sentences, int maxWords, List<Long> seedsSeen) {
        SplittableRandom fixed = new SplittableRandom(99);
        List<int[]> clean = new ArrayList<>();
        for (int i = 0; i < sentences; i++) {
            int[] s = new int[2 + fixed.nextInt(maxWords - 1)];
            for (int j = 0; j < s.length; j++) s[j] = fixed.nextInt(10);
            clean.add(s);
        }
        return seed -> {
            if (seedsSeen != null) seedsSeen.add(seed);
            SplittableRandom rnd = new SplittableRandom(seed);
            List<TrainingSequence> out = new ArrayList<>();
            for (int[] s : clean) {
                int[] noisy = s.clone();
                noisy[rnd.nextInt(noisy.length)] = rnd.nextInt(10);
                int[] tok = new int[2 * s.length + 2];
                System.arraycopy(noisy, 0, tok, 0, s.length);
                tok[s.length] = SEP;
                System.arraycopy(s, 0, tok, s.length + 1, s.length);
                tok[tok.length - 1] = EOT;
                out.add(new TrainingSequence(tok, s.length + 1));
            }
            return out;
        };
    }

    static TrainingOptions options(GptConfig cfg, int batch, int steps, float lr, int evalEvery, int checkpointEvery, long seed) {
        return new TrainingOptions(cfg, batch, cfg.nPositions(), steps, lr, lr / 10, Math.min(10, steps / 10), 0.01f,
                0.9f, 0.95f, 1e-8f, 1f, evalEvery, checkpointEvery, seed, 0f);
    }

    @Test
    void aTinyModelOverfitsATinyDataset() throws IOException {
        GptConfig cfg = new GptConfig(VOCAB, 16, 32, 2, 2);
        // The same 8 sentences every epoch (no noise variety), so the model can memorise them.
        List<TrainingSequence> fixed = noisyCopies(8, 6, null).sequences(1);
        Trainer t = Trainer.start(options(cfg, 8, 300, 1e-2f, 0, 0, 3), seed -> fixed, fixed, POOL);
        float before = t.heldOutLoss();
        t.run(null, new Trainer.Listener() {});
        float after = t.heldOutLoss();
        assertThat((double) before).as("untrained: about ln(12)").isBetween(1.8, 3.2);
        assertThat((double) after).as("memorised").isLessThan(0.05);
        assertThat(t.history().rows()).hasSize(300);
        assertThat(t.history().rows().get(299).heldOutLoss()).as("held-out at the last step").isEqualTo(after);
    }

    @Test
    void learnsToCorrectFreshNoiseEveryEpoch() throws IOException {
        GptConfig cfg = new GptConfig(VOCAB, 16, 32, 2, 2);
        List<Long> seeds = new ArrayList<>();
        SequenceSource src = noisyCopies(24, 6, seeds);
        List<TrainingSequence> heldOut = noisyCopies(24, 6, null).sequences(123456);
        Trainer t = Trainer.start(options(cfg, 8, 240, 1e-2f, 0, 0, 5), src, heldOut, POOL);
        float before = t.heldOutLoss();
        t.run(null, new Trainer.Listener() {});
        // 24 sentences in batches of 8: 3 steps an epoch, a new noise seed each time.
        assertThat(seeds).hasSize(80).doesNotHaveDuplicates();
        assertThat((double) t.heldOutLoss()).isLessThan(before * 0.3);
    }

    @Test
    void resumingFromACheckpointGivesTheSameNextStep(@TempDir Path dir) throws IOException {
        GptConfig cfg = new GptConfig(VOCAB, 16, 16, 2, 2);
        SequenceSource src = noisyCopies(5, 6, null); // batches of 2: 3 per epoch, the last one short
        TrainingOptions o = options(cfg, 2, 20, 5e-3f, 2, 0, 7);
        List<TrainingSequence> heldOut = noisyCopies(5, 6, null).sequences(42);

        Trainer uninterrupted = Trainer.start(o, src, heldOut, POOL);
        for (int i = 0; i < 3; i++) uninterrupted.step();
        uninterrupted.saveCheckpoint(dir); // at the end of the first epoch
        TrainingHistory.Row next = uninterrupted.step();
        TrainingHistory.Row after = uninterrupted.step();

        Trainer resumed = Trainer.resume(TrainingCheckpoint.load(dir), src, heldOut, POOL);
        assertThat(resumed.stepsDone()).isEqualTo(3);
        TrainingHistory.Row rNext = resumed.step();
        TrainingHistory.Row rAfter = resumed.step();
        assertThat(rNext.trainLoss()).isEqualTo(next.trainLoss());
        assertThat(rNext.gradNorm()).isEqualTo(next.gradNorm());
        assertThat(rAfter.trainLoss()).isEqualTo(after.trainLoss());
        assertThat(rAfter.tokens()).isEqualTo(after.tokens());
        assertThat(resumed.epoch()).isEqualTo(uninterrupted.epoch()).isEqualTo(1);
        Map<String, GptWeights.Tensor> a = uninterrupted.weights().tensors(), b = resumed.weights().tensors();
        for (String name : a.keySet()) assertThat(b.get(name).data()).as(name).containsExactly(a.get(name).data());
        assertThat(resumed.history().rows()).hasSize(5);
    }

    @Test
    void twoThreadsComputeExactlyWhatOneDoes() {
        GptConfig cfg = new GptConfig(VOCAB, 16, 32, 2, 2);
        TrainingOptions o = options(cfg, 8, 10, 5e-3f, 0, 0, 3);
        SequenceSource src = noisyCopies(20, 6, null);
        Trainer serial = Trainer.start(o, src, List.of(), POOL);
        try (ComputePool two = ComputePool.create(2)) {
            Trainer pooled = Trainer.start(o, src, List.of(), two);
            for (int i = 0; i < 3; i++) assertThat(pooled.step()).isEqualTo(withSameTime(serial.step(), pooled.history()));
            Map<String, GptWeights.Tensor> a = serial.weights().tensors(), b = pooled.weights().tensors();
            for (String name : a.keySet()) assertThat(b.get(name).data()).as(name).containsExactly(a.get(name).data());
        }
    }

    /** The serial row with the pooled run's wall time (the only field allowed to differ). */
    private static TrainingHistory.Row withSameTime(TrainingHistory.Row r, TrainingHistory pooled) {
        double elapsed = pooled.rows().get(pooled.size() - 1).elapsedSeconds();
        return new TrainingHistory.Row(r.step(), r.lr(), r.trainLoss(), r.gradNorm(), r.heldOutLoss(), r.tokens(), elapsed);
    }

    @Test
    void runWritesCheckpointsAndHeldOutLossesOnSchedule(@TempDir Path dir) throws IOException {
        GptConfig cfg = new GptConfig(VOCAB, 16, 16, 1, 2);
        Trainer t = Trainer.start(options(cfg, 4, 7, 5e-3f, 3, 5, 1), noisyCopies(10, 6, null),
                noisyCopies(6, 6, null).sequences(9), POOL);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.run(dir, new TrainingProgress(new java.io.PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true), false,
                java.time.Duration.ZERO));
        List<Integer> evaluated = new ArrayList<>();
        for (TrainingHistory.Row r : t.history().rows()) if (!Float.isNaN(r.heldOutLoss())) evaluated.add(r.step());
        assertThat(evaluated).containsExactly(3, 6, 7);
        TrainingCheckpoint.State s = TrainingCheckpoint.load(dir);
        assertThat(s.step()).isEqualTo(7);
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("step 7/7").contains("tok/s").contains("held-out loss").contains("epoch 1: 3 batches");
        assertThatThrownBy(t::step).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWarmStartContinuesFromTrainedWeightsWithFreshMomentsAndMorePositions() {
        GptConfig cfg = new GptConfig(VOCAB, 16, 32, 2, 2);
        SequenceSource src = noisyCopies(8, 6, null);
        List<TrainingSequence> heldOut = src.sequences(12345);
        Trainer first = Trainer.start(options(cfg, 4, 40, 5e-3f, 0, 0, 1), src, heldOut, POOL);
        float untrained = first.heldOutLoss();
        for (int i = 0; i < 40; i++) first.step();
        float trained = first.heldOutLoss();
        assertThat(trained).isLessThan(untrained * 0.8f);

        // The same weights with 24 positions (C = 32): the learned 16 are kept, so short sequences score the same.
        GptWeights grown = first.weights().withPositions(24, 7);
        GptConfig cfg24 = new GptConfig(VOCAB, 24, 32, 2, 2);
        for (int i = 0; i < 16 * 32; i++) assertThat(grown.wpe[i]).isEqualTo(first.weights().wpe[i]);
        for (int p = 16; p < 24; p++)
            for (int j = 0; j < 32; j++)
                assertThat(Math.abs(grown.wpe[p * 32 + j] - first.weights().wpe[15 * 32 + j])).isLessThan(0.06f);
        Trainer leg = Trainer.warmStart(options(cfg24, 4, 10, 5e-3f, 0, 0, 2), grown, src, heldOut, POOL);
        assertThat(leg.heldOutLoss()).isCloseTo(trained, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(leg.stepsDone()).isZero();
        assertThat(leg.state().adamSteps()).isZero();
        for (float m : leg.state().m().wte) assertThat(m).isZero();

        assertThatThrownBy(() -> Trainer.warmStart(options(cfg, 4, 10, 5e-3f, 0, 0, 2), grown, src, heldOut, POOL))
                .hasMessageContaining("the initial weights are a");
        assertThatThrownBy(() -> grown.withPositions(8, 1)).hasMessageContaining("cannot shrink");
    }

    @Test
    void aDeeperModelGrownFromTrainedWeightsAnswersAsTheyDidAndThenLearnsInItsNewBlocks() {
        GptConfig cfg = new GptConfig(VOCAB, 16, 32, 2, 2);
        SequenceSource src = noisyCopies(8, 6, null);
        List<TrainingSequence> heldOut = src.sequences(12345);
        Trainer first = Trainer.start(options(cfg, 4, 30, 5e-3f, 0, 0, 1), src, heldOut, POOL);
        for (int i = 0; i < 30; i++) first.step();
        GptWeights trained = first.weights();

        // 2 blocks -> 5: the trained ones keep their order, with the 3 new ones spread among them (after block 0: 1, after block 1: 2).
        GptWeights grown = trained.withLayers(5, 3);
        assertThat(grown.config.nLayer()).isEqualTo(5);
        assertThat(grown.layers[0].fcW).isEqualTo(trained.layers[0].fcW);
        assertThat(grown.layers[2].attnW).isEqualTo(trained.layers[1].attnW);
        assertThat(grown.layers[2].ln2B).isEqualTo(trained.layers[1].ln2B);
        for (int i : new int[] {1, 3, 4}) {
            GptWeights.Layer l = grown.layers[i];
            for (float[] zero : new float[][] {l.attnProjW, l.attnProjB, l.fcProjW, l.fcProjB}) assertThat(zero).containsOnly(0f);
            assertThat(l.ln1W).containsOnly(1f);
            float spread = 0;
            for (float v : l.fcW) spread += v * v;
            assertThat(Math.sqrt(spread / l.fcW.length)).as("block %d's c_fc starts as N(0, 0.02)", i).isBetween(0.015, 0.025);
        }

        // The same next-token logits from the inference engine, on a prompt of two rows.
        int[][] rows = {{1, 5, 9, 2, 7}, {3, 3, 8, 4, 6}};
        float[] before = new Gpt(trained, POOL, 2, 16).prefill(rows, new int[] {0, 0}).clone();
        float[] after = new Gpt(grown, POOL, 2, 16).prefill(rows, new int[] {0, 0});
        for (int i = 0; i < 2 * VOCAB; i++) assertThat(after[i]).isCloseTo(before[i], org.assertj.core.data.Offset.offset(1e-5f));

        // Training starts from the trained model's loss and moves the new blocks' projections off zero.
        GptConfig cfg5 = new GptConfig(VOCAB, 16, 32, 5, 2);
        Trainer leg = Trainer.warmStart(options(cfg5, 4, 10, 5e-3f, 0, 0, 2), grown, src, heldOut, POOL);
        assertThat(leg.heldOutLoss()).isCloseTo(first.heldOutLoss(), org.assertj.core.data.Offset.offset(1e-5f));
        for (int i = 0; i < 3; i++) leg.step();
        float moved = 0;
        for (float v : leg.weights().layers[3].fcProjW) moved += Math.abs(v);
        assertThat(moved).isPositive();
        assertThatThrownBy(() -> grown.withLayers(4, 1)).hasMessageContaining("cannot shrink the model's 5 blocks to 4");
    }

    @Test
    void aStopRequestEndsTheRunWithACheckpoint(@TempDir Path dir) throws IOException {
        GptConfig cfg = new GptConfig(VOCAB, 16, 16, 1, 2);
        Trainer t = Trainer.start(options(cfg, 4, 50, 5e-3f, 0, 0, 1), noisyCopies(10, 6, null), List.of(), POOL);
        boolean finished = t.run(dir, new Trainer.Listener() {
            @Override
            public void stepDone(Trainer trainer, TrainingHistory.Row row) {
                if (row.step() == 2) trainer.requestStop(); // as the Ctrl-C hook does, from any thread
            }
        });
        assertThat(finished).isFalse();
        assertThat(t.stepsDone()).isEqualTo(2);
        assertThat(TrainingCheckpoint.load(dir).step()).isEqualTo(2);
    }

    @Test
    void epochPlanKeepsEveryExampleOnceInBatchesOfSimilarLength() {
        List<TrainingSequence> seqs = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 1000; i++) seqs.add(new TrainingSequence(new int[2 + rnd.nextInt(60)], 1));
        Trainer.EpochPlan plan = Trainer.planEpoch(seqs, 16, 40, 11);
        Map<TrainingSequence, Integer> seen = new HashMap<>();
        int padding = 0, real = 0;
        for (List<TrainingSequence> b : plan.batches()) {
            assertThat(b.size()).isBetween(1, 16);
            int longest = b.stream().mapToInt(TrainingSequence::inputLength).max().orElseThrow();
            for (TrainingSequence s : b) {
                seen.merge(s, 1, Integer::sum);
                padding += longest - s.inputLength();
                real += s.inputLength();
            }
        }
        long fitting = seqs.stream().filter(s -> s.inputLength() <= 40).count();
        assertThat(seen).hasSize((int) fitting);
        assertThat(seen.values()).containsOnly(1);
        assertThat(plan.skippedTooLong()).isEqualTo(seqs.size() - (int) fitting);
        assertThat((double) padding / real).as("padding share").isLessThan(0.1);
        assertThat(Trainer.planEpoch(seqs, 16, 40, 11).batches()).isEqualTo(plan.batches());
        assertThat(Trainer.planEpoch(seqs, 16, 40, 12).batches()).isNotEqualTo(plan.batches());
        assertThatThrownBy(() -> Trainer.planEpoch(seqs, 16, 0, 1)).hasMessageContaining("no training example fits");
    }

    @Test
    void historyCsvAndPngAreWritten(@TempDir Path dir) throws IOException {
        TrainingHistory h = new TrainingHistory();
        for (int i = 1; i <= 50; i++) h.add(new TrainingHistory.Row(i, 1e-3f, 3f / i, 0.5f, i % 10 == 0 ? 2f / i : Float.NaN, 100L * i, i * 0.5));
        h.writeCsv(dir.resolve("loss.csv"));
        TrainingHistory back = TrainingHistory.readCsv(dir.resolve("loss.csv"));
        assertThat(back.rows()).isEqualTo(h.rows());
        assertThat(Files.readAllLines(dir.resolve("loss.csv")).get(10)).isEqualTo("10,0.001,0.3,0.5,0.2,1000,5.000");
        h.writePng(dir.resolve("loss.png"), "test");
        byte[] png = Files.readAllBytes(dir.resolve("loss.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
}
