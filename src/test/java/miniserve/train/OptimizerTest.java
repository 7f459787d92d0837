package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import miniserve.kernels.ComputePool;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW, the learning-rate schedule, clipping and the trainer checkpoint file. */
class OptimizerTest {

    private static final GptConfig CFG = new GptConfig(11, 6, 8, 2, 2);

    @Test
    void scheduleWarmsUpLinearlyThenDecaysAlongACosine() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 1e-4f, 10, 110);
        assertThat(s.at(0)).isCloseTo(1e-4f, offset(1e-10f));
        assertThat(s.at(4)).isCloseTo(5e-4f, offset(1e-9f));
        assertThat(s.at(9)).isEqualTo(1e-3f);
        assertThat(s.at(10)).isEqualTo(1e-3f);
        assertThat(s.at(60)).as("half way down the cosine").isCloseTo(5.5e-4f, offset(1e-8f));
        assertThat(s.at(110)).isEqualTo(1e-4f);
        assertThat(s.at(500)).isEqualTo(1e-4f);
        for (int i = 10; i < 110; i++) assertThat(s.at(i + 1)).isLessThanOrEqualTo(s.at(i));
        assertThatThrownBy(() -> new LearningRateSchedule(1e-3f, 1e-2f, 0, 10)).hasMessageContaining("min lr");
    }

    @Test
    void firstStepMovesEachParameterByTheLearningRateAgainstItsGradient() {
        GptWeights p = GptWeights.random(CFG, 1), g = new GptWeights(CFG);
        GptWeights before = copy(p);
        g.wte[3] = 0.5f;
        g.wte[4] = -2f;
        g.lnFB[1] = 1e-3f;
        AdamW adam = new AdamW(p, g, 0.9f, 0.999f, 1e-8f, 0f, ComputePool.serial());
        adam.update(0.01f, 1f);
        // With bias correction, m̂/√v̂ = g/|g| on the first step.
        assertThat(p.wte[3]).isCloseTo(before.wte[3] - 0.01f, offset(1e-6f));
        assertThat(p.wte[4]).isCloseTo(before.wte[4] + 0.01f, offset(1e-6f));
        assertThat(p.lnFB[1]).isCloseTo(before.lnFB[1] - 0.01f, offset(1e-5f));
        assertThat(p.wte[5]).as("zero gradient, no decay").isEqualTo(before.wte[5]);
        assertThat(adam.stepsTaken()).isEqualTo(1);
        assertThat(adam.firstMoment().wte[4]).isCloseTo(-0.2f, offset(1e-7f));
        assertThat(adam.secondMoment().wte[4]).isCloseTo(0.004f, offset(1e-7f));
    }

    @Test
    void weightDecayShrinksMatricesAndEmbeddingsButNotBiasesOrGains() {
        GptWeights p = GptWeights.random(CFG, 2), g = new GptWeights(CFG);
        for (GptWeights.Tensor t : p.tensors().values()) java.util.Arrays.fill(t.data(), 1f);
        new AdamW(p, g, 0.9f, 0.999f, 1e-8f, 0.1f, ComputePool.serial()).update(0.01f, 1f);
        for (Map.Entry<String, GptWeights.Tensor> e : p.tensors().entrySet()) {
            float expected = e.getValue().shape().length == 2 ? 1f - 0.01f * 0.1f : 1f;
            assertThat(e.getValue().data()).as(e.getKey()).containsOnly(expected);
        }
    }

    @Test
    void gradientNormIsTheGlobalL2NormAndClippingScalesItDown() {
        GptWeights p = GptWeights.random(CFG, 3), g = new GptWeights(CFG);
        g.wte[0] = 3f;
        g.layers[1].fcProjW[7] = 4f;
        try (ComputePool two = ComputePool.create(2)) {
            AdamW adam = new AdamW(p, g, 0.9f, 0.999f, 1e-8f, 0f, two);
            assertThat(adam.gradientNorm()).isEqualTo(5f);
        }
        assertThat(AdamW.clipScale(5f, 1f)).isEqualTo(0.2f);
        assertThat(AdamW.clipScale(0.5f, 1f)).isEqualTo(1f);
        assertThat(AdamW.clipScale(5f, 0f)).as("0 = no clipping").isEqualTo(1f);
        // The clipped gradient reaches the moments.
        AdamW adam = new AdamW(p, g, 0.9f, 0.999f, 1e-8f, 0f, ComputePool.serial());
        adam.update(1e-3f, 0.2f);
        assertThat(adam.firstMoment().wte[0]).isCloseTo(0.1f * 3f * 0.2f, offset(1e-7f));
    }

    @Test
    void checkpointRoundTripsEveryField(@TempDir Path dir) throws IOException {
        TrainingOptions o = new TrainingOptions(CFG, 4, 6, 100, 1e-3f, 1e-4f, 5, 0.1f, 0.9f, 0.95f, 1e-8f, 1f, 10, 20, 77, 0.5f);
        GptWeights p = GptWeights.random(CFG, 4), m = GptWeights.random(CFG, 5), v = GptWeights.random(CFG, 6);
        TrainingHistory h = new TrainingHistory();
        h.add(new TrainingHistory.Row(1, 2e-4f, 2.5f, 0.7f, Float.NaN, 120, 0.25));
        h.add(new TrainingHistory.Row(2, 4e-4f, 2.25f, 0.6f, 2.4f, 250, 0.5));
        TrainingCheckpoint.save(dir, new TrainingCheckpoint.State(o, 2, 0, 2, 250, 0.5, 2, h, p, m, v));
        TrainingCheckpoint.State s = TrainingCheckpoint.load(dir);
        assertThat(s.options()).isEqualTo(o);
        assertThat(s.step()).isEqualTo(2);
        assertThat(s.batchInEpoch()).isEqualTo(2);
        assertThat(s.tokens()).isEqualTo(250);
        assertThat(s.adamSteps()).isEqualTo(2);
        assertThat(s.history().rows()).isEqualTo(h.rows());
        assertSame(s.params(), p);
        assertSame(s.m(), m);
        assertSame(s.v(), v);
        assertThat(dir.resolve(TrainingCheckpoint.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void damagedCheckpointsGiveAClearError(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> TrainingCheckpoint.load(dir)).hasMessageContaining("no checkpoint in");
        TrainingOptions o = new TrainingOptions(CFG, 4, 6, 100, 1e-3f, 1e-4f, 5, 0.1f, 0.9f, 0.95f, 1e-8f, 1f, 10, 20, 77, 0.5f);
        TrainingCheckpoint.save(dir, new TrainingCheckpoint.State(o, 0, 0, 0, 0, 0, 0, new TrainingHistory(),
                new GptWeights(CFG), new GptWeights(CFG), new GptWeights(CFG)));
        Path f = dir.resolve(TrainingCheckpoint.FILE_NAME);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> TrainingCheckpoint.load(dir)).hasMessageContaining("truncated");
        Files.writeString(f, "not a checkpoint at all");
        assertThatThrownBy(() -> TrainingCheckpoint.load(dir)).hasMessageContaining("not a miniserve trainer checkpoint");
    }

    private static void assertSame(GptWeights a, GptWeights b) {
        Map<String, GptWeights.Tensor> ta = a.tensors(), tb = b.tensors();
        for (String name : ta.keySet()) assertThat(ta.get(name).data()).as(name).containsExactly(tb.get(name).data());
    }

    private static GptWeights copy(GptWeights w) {
        GptWeights c = new GptWeights(w.config);
        var src = w.tensors().values().iterator();
        for (GptWeights.Tensor t : c.tensors().values()) System.arraycopy(src.next().data(), 0, t.data(), 0, t.data().length);
        return c;
    }
}
