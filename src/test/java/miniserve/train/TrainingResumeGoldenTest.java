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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import miniserve.kernels.ComputePool;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.model.TrainingSequence;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A training checkpoint committed to the repository, written by an earlier version of the code,
 * resumes with the numbers that version recorded: the loss and gradient norm of each of the next
 * {@value #STEPS_AFTER} steps, the held-out loss after them, a sample of the weights, and hashes
 * of the weights and of AdamW's moments. So a change to the model's code (how the forward and
 * backward are organised, which kernels they call) shows here if it changes what a resumed run
 * computes, and the file format keeps reading old checkpoints.
 *
 * <p>Exactly, in a fresh JVM run with {@code -Xint}: there every Vector API operation runs its
 * plain Java definition, so the bits depend only on the code and the vector width. Compiled code
 * may round a lane reduction or an exp differently from the interpreter and from itself under
 * another profile (a warm JVM that ran other tests first gave 1 ulp off at step 7), so the same
 * resumption in this JVM is compared within {@value #COMPILED_RELATIVE} relative. If a kernel
 * change meant to alter the last bits lands (a new reduction order, another exp), re-record the
 * expected numbers from the same committed checkpoint ({@code -Dminiserve.writeGoldenResume=expected})
 * and say why in the commit; never rewrite the checkpoint itself, which stands for a run written
 * before the change. On a machine of another vector width only the loose comparison applies.
 *
 * <p>Written with {@code ./miniserve test -Dtest=TrainingResumeGoldenTest#writeFixture
 * -Dminiserve.writeGoldenResume=all} (checkpoint and expected numbers) from the project directory.
 */
class TrainingResumeGoldenTest {

    private static final String RESOURCE = "/training-resume/";
    private static final Path SOURCE_DIR = Path.of("src/test/resources/training-resume");
    private static final String EXPECTED = "expected.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ComputePool POOL = ComputePool.serial();

    static final int STEPS_BEFORE = 4, STEPS_AFTER = 5;
    static final double COMPILED_RELATIVE = 1e-5;

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

    private static Path committedCheckpoint() throws URISyntaxException {
        return Path.of(TrainingResumeGoldenTest.class.getResource(RESOURCE + TrainingCheckpoint.FILE_NAME).toURI()).getParent();
    }

    @Test
    void aCommittedCheckpointResumesWithTheRecordedNumbersExactlyInTheInterpreter() throws Exception {
        Path dir = committedCheckpoint();
        JsonNode expected = JSON.readTree(dir.resolve(EXPECTED).toFile());
        Assumptions.assumeTrue(expected.get("vector_bits").asInt() == vectorBits(),
                "recorded with " + expected.get("vector_bits") + "-bit vectors, this JVM has " + vectorBits());
        JsonNode actual = resumeInAnInterpretedJvm(dir);
        assertThat(actual.toPrettyString()).isEqualTo(expected.toPrettyString());
    }

    @Test
    void aCommittedCheckpointResumesCloseToTheRecordedNumbersInThisJvm() throws Exception {
        Path dir = committedCheckpoint();
        JsonNode expected = JSON.readTree(dir.resolve(EXPECTED).toFile());
        JsonNode actual = toJson(resumeAndRecord(dir));
        JsonNode steps = expected.get("steps");
        for (int i = 0; i < STEPS_AFTER; i++) {
            JsonNode a = actual.get("steps").get(i), e = steps.get(i);
            assertThat(a.get("step").asInt()).isEqualTo(e.get("step").asInt());
            assertThat(a.get("tokens").asLong()).isEqualTo(e.get("tokens").asLong());
            assertThat(a.get("lr").asText()).as("lr of step %s", e.get("step")).isEqualTo(e.get("lr").asText());
            close(a, e, "train_loss", "train loss of step " + e.get("step"));
            close(a, e, "grad_norm", "gradient norm of step " + e.get("step"));
        }
        close(actual, expected, "held_out_loss", "held-out loss");
        JsonNode sample = expected.get("params_sample");
        assertThat(actual.get("params_sample").size()).isEqualTo(sample.size());
        for (var it = sample.fieldNames(); it.hasNext(); ) close(actual.get("params_sample"), sample, it.next(), "weight");
    }

    private static void close(JsonNode actual, JsonNode expected, String field, String what) {
        double e = Float.parseFloat(expected.get(field).asText()), a = Float.parseFloat(actual.get(field).asText());
        assertThat(a).as(what + " (" + field + ")").isCloseTo(e, Offset.offset(COMPILED_RELATIVE * Math.max(1e-2, Math.abs(e))));
    }

    /** Prints, as JSON, what resuming the checkpoint in args[0] computes: run by the tests in an interpreted JVM. */
    public static void main(String[] args) throws IOException {
        System.out.println(JSON.writeValueAsString(toJson(resumeAndRecord(Path.of(args[0])))).replace('\n', ' '));
    }

    private static JsonNode resumeInAnInterpretedJvm(Path checkpointDir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xint", "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                TrainingResumeGoldenTest.class.getName(), checkpointDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the interpreted resumption did not finish in 10 minutes");
        }
        assertThat(p.exitValue()).as("exit status of the interpreted resumption").isZero();
        String text = new String(out, StandardCharsets.UTF_8).strip();
        return JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
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

    private static int vectorBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
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
     * numbers, from the committed checkpoint. The numbers come from an interpreted JVM.
     */
    @Test
    @EnabledIfSystemProperty(named = "miniserve.writeGoldenResume", matches = "all|expected")
    void writeFixture() throws Exception {
        if (System.getProperty("miniserve.writeGoldenResume").equals("all")) {
            Trainer t = Trainer.start(options(), SOURCE, heldOutSequences(), POOL);
            for (int i = 0; i < STEPS_BEFORE; i++) t.step(); // past the first epoch's end (3 batches)
            t.saveCheckpoint(SOURCE_DIR);
        }
        JsonNode numbers = resumeInAnInterpretedJvm(SOURCE_DIR.toAbsolutePath());
        Files.createDirectories(SOURCE_DIR);
        JSON.writeValue(SOURCE_DIR.resolve(EXPECTED).toFile(), numbers);
    }

    /** The record of a resumption as the JSON of expected.json; floats as their shortest decimal strings. */
    private static ObjectNode toJson(Recorded r) {
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
        return root;
    }
}
