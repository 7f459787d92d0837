package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import miniserve.kernels.ComputePool;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A training checkpoint committed to the repository, written by an earlier version of the code,
 * resumes with the numbers that version recorded: the loss and gradient norm of each of the next
 * {@value #STEPS_AFTER} steps, the held-out loss after them, and a hash of the weights and of
 * AdamW's moments. So a change to the model's code (how the forward and backward are organised,
 * which kernels they call) shows here if it changes what a resumed run computes, and the file
 * format keeps reading old checkpoints.
 *
 * <p>The comparison is exact when the JVM's preferred vector width is the one the numbers were
 * recorded with (lane reductions sum in a different order on another width); otherwise the
 * figures are compared within {@value #OTHER_WIDTH_RELATIVE} relative and the hashes are not
 * compared. If a kernel change meant to alter the last bits (a new reduction order, another
 * exp) lands, re-record the expected numbers from the same committed checkpoint
 * ({@code -Dminiserve.writeGoldenResume=expected}) and say why in the commit; never rewrite the
 * checkpoint itself, which stands for a run written before the change.
 *
 * <p>Written with {@code ./miniserve test -Dtest=TrainingResumeGoldenTest
 * -Dminiserve.writeGoldenResume=all} (checkpoint and expected numbers) from the project directory.
 */
class TrainingResumeGoldenTest {

    private static final String RESOURCE = "/training-resume/";
    private static final Path SOURCE_DIR = Path.of("src/test/resources/training-resume");
    private static final String EXPECTED = "expected.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ComputePool POOL = ComputePool.serial();

    static final int STEPS_BEFORE = 4, STEPS_AFTER = 5;
    static final double OTHER_WIDTH_RELATIVE = 1e-4;

    /**
     * Vocabulary 13, 2 layers, C = 24 in 2 heads of 12: neither C, 3C, 4C nor V is a whole
     * number of 512-bit vectors, so the kernels' scalar tails run too.
     */
    static final GptConfig CONFIG = new GptConfig(13, 16, 24, 2, 2);

    /** Seven fixed sequences: source, separator 10, target, end 11; lengths 5 .. 12 (right padding in every batch). */
    static List<TrainingSequence> trainingSequences() {
        int[][] rows = {
                {1, 2, 3, 10, 1, 2, 4, 11},
                {5, 6, 10, 5, 7, 11},
                {2, 2, 8, 9, 10, 2, 3, 8, 9, 11},
                {0, 4, 10, 0, 4, 11},
                {7, 1, 6, 3, 5, 10, 7, 1, 6, 3, 12, 11},
                {9, 9, 10, 9, 8, 11},
                {3, 12, 0, 10, 3, 12, 0, 11},
        };
        return sequences(rows);
    }

    static List<TrainingSequence> heldOutSequences() {
        return sequences(new int[][] {{4, 5, 6, 10, 4, 5, 7, 11}, {8, 1, 10, 8, 2, 11}});
    }

    private static List<TrainingSequence> sequences(int[][] rows) {
        List<TrainingSequence> out = new ArrayList<>();
        for (int[] r : rows) {
            int sep = 0;
            while (r[sep] != 10) sep++;
            out.add(new TrainingSequence(r, sep + 1));
        }
        return out;
    }

    /** Batches of 3 (an epoch of 3 batches, the last one short), 40 steps planned, warm-up 3. */
    static TrainingOptions options() {
        return new TrainingOptions(CONFIG, 3, CONFIG.nPositions(), 40, 1e-2f, 1e-3f, 3, 0.01f,
                0.9f, 0.95f, 1e-8f, 1f, 0, 0, 2024, 0f);
    }

    /** The same fixed sequences every epoch; the order still changes with the epoch's seed. */
    private static final SequenceSource SOURCE = seed -> trainingSequences();

    @Test
    void aCommittedCheckpointResumesWithTheRecordedNumbers() throws IOException, URISyntaxException {
        Path dir = Path.of(TrainingResumeGoldenTest.class.getResource(RESOURCE + TrainingCheckpoint.FILE_NAME).toURI()).getParent();
        JsonNode expected = JSON.readTree(dir.resolve(EXPECTED).toFile());
        warmUp();
        Recorded actual = resumeAndRecord(dir);

        boolean sameWidth = expected.get("vector_bits").asInt() == vectorBits();
        assertThat(actual.rows).hasSize(STEPS_AFTER);
        JsonNode steps = expected.get("steps");
        for (int i = 0; i < STEPS_AFTER; i++) {
            TrainingHistory.Row row = actual.rows.get(i);
            JsonNode e = steps.get(i);
            assertThat(row.step()).isEqualTo(e.get("step").asInt());
            assertThat(row.tokens()).isEqualTo(e.get("tokens").asLong());
            assertThat(row.lr()).as("lr of step %d", row.step()).isEqualTo(parse(e, "lr"));
            same(sameWidth, row.trainLoss(), parse(e, "train_loss"), "train loss of step " + row.step());
            same(sameWidth, row.gradNorm(), parse(e, "grad_norm"), "gradient norm of step " + row.step());
        }
        same(sameWidth, actual.heldOutLoss, parse(expected, "held_out_loss"), "held-out loss");
        JsonNode sample = expected.get("params_sample");
        for (Map.Entry<String, Float> s : actual.sample.entrySet())
            same(sameWidth, s.getValue(), Float.parseFloat(sample.get(s.getKey()).asText()), s.getKey());
        assertThat(actual.sample).hasSize(sample.size());
        if (sameWidth) {
            assertThat(actual.paramsSha256).as("weights after resuming").isEqualTo(expected.get("params_sha256").asText());
            assertThat(actual.momentsSha256).as("AdamW moments after resuming").isEqualTo(expected.get("moments_sha256").asText());
        }
    }

    private static void same(boolean exact, float actual, float expected, String what) {
        if (exact) assertThat(actual).as(what).isEqualTo(expected);
        else assertThat((double) actual).as(what).isCloseTo(expected, Offset.offset(OTHER_WIDTH_RELATIVE * Math.max(1e-3, Math.abs(expected))));
    }

    /** What a resumed run computed. */
    record Recorded(List<TrainingHistory.Row> rows, float heldOutLoss, String paramsSha256, String momentsSha256,
                    Map<String, Float> sample) {}

    static Recorded resumeAndRecord(Path checkpointDir) throws IOException {
        TrainingCheckpoint.State state = TrainingCheckpoint.load(checkpointDir);
        assertThat(state.step()).isEqualTo(STEPS_BEFORE);
        Trainer t = Trainer.resume(state, SOURCE, heldOutSequences(), POOL);
        List<TrainingHistory.Row> rows = new ArrayList<>();
        for (int i = 0; i < STEPS_AFTER; i++) rows.add(t.step());
        float heldOut = t.heldOutLoss();
        TrainingCheckpoint.State after = t.state();
        Map<String, Float> sample = new java.util.LinkedHashMap<>();
        for (GptWeights.Tensor tensor : after.params().tensors().values()) {
            float[] d = tensor.data();
            sample.put(tensor.name() + "[0]", d[0]);
            sample.put(tensor.name() + "[" + (d.length - 1) + "]", d[d.length - 1]);
        }
        return new Recorded(rows, heldOut, sha256(after.params()), sha256(after.m(), after.v()), sample);
    }

    /** Runs the training kernels at this shape until the JIT has compiled them (see TrainerTest.warmUp). */
    private static void warmUp() {
        TrainingOptions o = options();
        Trainer t = Trainer.start(new TrainingOptions(o.model(), o.batchSize(), o.seqLen(), 300, o.learningRate(),
                o.minLearningRate(), o.warmupSteps(), o.weightDecay(), o.beta1(), o.beta2(), o.adamEps(), o.gradClip(),
                0, 0, 77, 0f), SOURCE, heldOutSequences(), POOL);
        for (int i = 0; i < 300; i++) {
            t.step();
            if (i % 50 == 0) t.heldOutLoss();
        }
    }

    private static int vectorBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    private static float parse(JsonNode node, String field) {
        return Float.parseFloat(node.get(field).asText());
    }

    private static String sha256(GptWeights... weights) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (GptWeights w : weights) {
                for (GptWeights.Tensor t : w.tensors().values()) {
                    ByteBuffer b = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(t.data());
                    md.update(b);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Writes the fixture into src/test/resources: with {@code all}, a new checkpoint after
     * {@value #STEPS_BEFORE} steps and its expected numbers; with {@code expected}, only the
     * numbers, from the committed checkpoint.
     */
    @Test
    @EnabledIfSystemProperty(named = "miniserve.writeGoldenResume", matches = "all|expected")
    void writeFixture() throws IOException {
        warmUp();
        if (System.getProperty("miniserve.writeGoldenResume").equals("all")) {
            Trainer t = Trainer.start(options(), SOURCE, heldOutSequences(), POOL);
            for (int i = 0; i < STEPS_BEFORE; i++) t.step(); // past the first epoch's end (3 batches)
            t.saveCheckpoint(SOURCE_DIR);
        }
        Recorded r = resumeAndRecord(SOURCE_DIR);
        ObjectNode root = JSON.createObjectNode();
        root.put("vector_bits", vectorBits());
        ArrayNode steps = root.putArray("steps");
        for (TrainingHistory.Row row : r.rows) {
            steps.addObject().put("step", row.step()).put("tokens", row.tokens()).put("lr", Float.toString(row.lr()))
                    .put("train_loss", Float.toString(row.trainLoss())).put("grad_norm", Float.toString(row.gradNorm()));
        }
        root.put("held_out_loss", Float.toString(r.heldOutLoss));
        root.put("params_sha256", r.paramsSha256);
        root.put("moments_sha256", r.momentsSha256);
        ObjectNode sample = root.putObject("params_sample");
        r.sample.forEach((k, v) -> sample.put(k, Float.toString(v)));
        Files.createDirectories(SOURCE_DIR);
        JSON.writeValue(SOURCE_DIR.resolve(EXPECTED).toFile(), root);
    }
}
