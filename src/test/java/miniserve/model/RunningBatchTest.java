package miniserve.model;

import miniserve.kernels.ComputePool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Continuous batching in the model: {@link Gpt#appendRows} against the float64 reference, and
 * {@link RunningBatch} giving each prompt the tokens it gets alone, whenever it joins.
 */
class RunningBatchTest {

    private static final GptConfig CFG = TestModels.TINY;
    private static final GptWeights W = TestModels.random(CFG, 23);
    private static final int V = CFG.vocabSize();
    private static final ComputePool POOL2 = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        POOL2.close();
    }

    private static int[] randomTokens(SplittableRandom rnd, int n) {
        return TestModels.randomTokens(rnd, n, V);
    }

    private static int[] concat(int[] a, int... b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Tolerance against float64, as in GptForwardTest. */
    private static void assertMatchesReference(String what, float[] logits, int row, int[] sequence) {
        double[][] ref = ReferenceGpt.logits(W, sequence);
        double[] want = ref[sequence.length - 1];
        for (int v = 0; v < V; v++) {
            double got = logits[row * V + v];
            assertThat(Math.abs(got - want[v])).as("%s, token %d: got %s, reference %s", what, v, got, want[v])
                    .isLessThanOrEqualTo(1e-4 * (1 + Math.abs(want[v])));
        }
    }

    @Test
    void appendRowsMatchesTheReferenceAsRowsJoinAndGrowAtTheirOwnPace() {
        SplittableRandom rnd = new SplittableRandom(3);
        Gpt gpt = new Gpt(W, POOL2, 3, CFG.nPositions());
        int[] a = randomTokens(rnd, 13), b = randomTokens(rnd, 5), c = randomTokens(rnd, 9);

        // pass 1: two prompts into rows 2 and 0
        float[] logits = gpt.appendRows(2, new int[]{2, 0}, new int[]{a.length, b.length}, concat(a, b));
        assertMatchesReference("pass 1, row 2", logits, 0, a);
        assertMatchesReference("pass 1, row 0", logits, 1, b);
        // pass 2: row 2 decodes one token while a third prompt joins in row 1
        int a1 = rnd.nextInt(V);
        logits = gpt.appendRows(2, new int[]{1, 2}, new int[]{c.length, 1}, concat(c, a1));
        a = concat(a, a1);
        assertMatchesReference("pass 2, row 1", logits, 0, c);
        assertMatchesReference("pass 2, row 2", logits, 1, a);
        // pass 3: every row decodes one token
        int a2 = rnd.nextInt(V), b1 = rnd.nextInt(V), c1 = rnd.nextInt(V);
        logits = gpt.appendRows(3, new int[]{0, 1, 2}, new int[]{1, 1, 1}, new int[]{b1, c1, a2});
        assertMatchesReference("pass 3, row 0", logits, 0, concat(b, b1));
        assertMatchesReference("pass 3, row 1", logits, 1, concat(c, c1));
        assertMatchesReference("pass 3, row 2", logits, 2, concat(a, a2));
        assertThat(gpt.rowLength(0)).isEqualTo(b.length + 1);
        assertThat(gpt.rowLength(2)).isEqualTo(a.length + 1);

        // a freed row starts again at position 0 while the others keep their caches
        gpt.clearRow(0);
        int[] d = randomTokens(rnd, 4);
        int a3 = rnd.nextInt(V);
        logits = gpt.appendRows(2, new int[]{0, 2}, new int[]{d.length, 1}, concat(d, a3));
        assertMatchesReference("row 0 reused", logits, 0, d);
        assertMatchesReference("row 2 after the reuse", logits, 1, concat(a, a2, a3));
    }

    @Test
    void appendRowsRejectsBadInputWithAReason() {
        Gpt gpt = new Gpt(W, ComputePool.serial(), 2, 8);
        assertThatThrownBy(() -> gpt.appendRows(1, new int[]{2}, new int[]{1}, new int[]{1})).hasMessageContaining("row 2");
        assertThatThrownBy(() -> gpt.appendRows(2, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 2})).hasMessageContaining("twice");
        assertThatThrownBy(() -> gpt.appendRows(1, new int[]{0}, new int[]{0}, new int[]{})).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> gpt.appendRows(1, new int[]{0}, new int[]{9}, new int[9])).hasMessageContaining("holds 8");
        assertThatThrownBy(() -> gpt.appendRows(1, new int[]{0}, new int[]{1}, new int[]{V})).hasMessageContaining("token id " + V);
        assertThatThrownBy(() -> gpt.appendRows(3, new int[]{0, 1, 0}, new int[]{1, 1, 1}, new int[3])).hasMessageContaining("3 rows");
        gpt.appendRows(1, new int[]{1}, new int[]{8}, new int[8]);
        assertThatThrownBy(() -> gpt.appendRows(1, new int[]{1}, new int[]{1}, new int[1])).hasMessageContaining("holds 8");
        assertThat(gpt.rowLength(1)).isEqualTo(8); // the refused pass changed nothing
        assertThatThrownBy(() -> gpt.decodeStep(new int[]{1})).isInstanceOf(IllegalStateException.class);
    }

    /** A prompt, the answer to lean towards, and what the generator gives it alone. */
    private record Request(int[] prompt, int[] preferred, int[] alone, boolean endedAlone) {}

    private static final int MAX_TOKENS = 10;
    private static final float BIAS = 2f;

    private static List<Request> requests(int end) {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Request> out = new ArrayList<>();
        int[] lengths = {6, 1, 12, 3, 8, 2, 5};
        for (int i = 0; i < lengths.length; i++) {
            int[] prompt = randomTokens(rnd, lengths[i]);
            // half of them lean towards an answer: their own prompt, as the tutor leans towards the sentence
            int[] preferred = i % 2 == 0 ? concat(prompt, end) : null;
            GenerationResult alone = new Generator(W, ComputePool.serial(), 1)
                    .generate(List.of(prompt), MAX_TOKENS, end, preferred == null ? null : List.of(preferred), preferred == null ? 0 : BIAS);
            out.add(new Request(prompt, preferred, alone.outputs().get(0), alone.ended()[0]));
        }
        return out;
    }

    /** An end token that some requests produce alone (at different steps) and others never do. */
    private static int endTokenThatSplitsTheRequests() {
        for (int end = 0; end < V; end++) {
            List<Request> rs = requests(end);
            long ended = rs.stream().filter(Request::endedAlone).count();
            long distinctLengths = rs.stream().filter(Request::endedAlone).mapToInt(r -> r.alone().length).distinct().count();
            if (ended >= 3 && ended < rs.size() && distinctLengths >= 2) return end;
        }
        throw new AssertionError("no end token splits the test requests");
    }

    @Test
    void rowsJoiningAndLeavingMidGenerationGetTheTokensTheyGetAlone() {
        int end = endTokenThatSplitsTheRequests();
        List<Request> requests = requests(end);
        RunningBatch batch = new RunningBatch(W, POOL2, 3);
        Deque<Integer> waiting = new ArrayDeque<>();
        for (int i = 0; i < requests.size(); i++) waiting.add(i);
        int[] inRow = {-1, -1, -1};
        int[][] outputs = new int[requests.size()][];
        boolean[] ended = new boolean[requests.size()];
        int passes = 0, prefillsBesideDecodes = 0;
        while (!waiting.isEmpty() || batch.occupied() > 0) {
            boolean admitted = false;
            for (int row = 0; row < 3; row++) {
                if (inRow[row] >= 0 && batch.complete(row)) {
                    outputs[inRow[row]] = batch.output(row);
                    ended[inRow[row]] = batch.ended(row);
                    batch.free(row);
                    inRow[row] = -1;
                }
                // at most one new request every other pass, so that they join at different points of the others' answers
                if (inRow[row] < 0 && !waiting.isEmpty() && !admitted && (passes % 2 == 0 || batch.occupied() == 0)) {
                    admitted = true;
                    int r = waiting.poll();
                    Request q = requests.get(r);
                    batch.start(row, q.prompt(), MAX_TOKENS, end, q.preferred(), q.preferred() == null ? 0 : BIAS);
                    inRow[row] = r;
                }
            }
            Step step = batch.step();
            if (step == null) continue;
            passes++;
            int prefills = 0, decodes = 0;
            for (byte k : step.kinds()) {
                if (k == Step.PREFILL) prefills++;
                if (k == Step.DECODE) decodes++;
                assertThat(k).isNotEqualTo(Step.AFTER_END);
            }
            if (prefills > 0 && decodes > 0) prefillsBesideDecodes++;
            assertThat(paddingSum(step.padding())).isZero();
        }
        assertThat(prefillsBesideDecodes).as("passes where a prompt joined rows mid-answer").isGreaterThanOrEqualTo(2);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(outputs[i]).as("request %d", i).containsExactly(requests.get(i).alone());
            assertThat(ended[i]).as("request %d ended", i).isEqualTo(requests.get(i).endedAlone());
        }
    }

    private static int paddingSum(int[] a) {
        return Arrays.stream(a).sum();
    }

    @Test
    void aStepRecordsPromptsDecodesAndIdleRows() {
        RunningBatch batch = new RunningBatch(W, ComputePool.serial(), 3);
        assertThat(batch.step()).isNull(); // nothing to run
        batch.start(1, new int[]{1, 2, 3, 4}, 5, V - 1, null, 0);
        Step first = batch.step();
        assertThat(first.kinds()).containsExactly(Step.IDLE, Step.PREFILL, Step.IDLE);
        assertThat(first.tokensComputed()).isEqualTo(4);
        batch.start(2, new int[]{5, 6}, 5, V - 1, null, 0);
        Step second = batch.step();
        assertThat(second.kinds()).containsExactly(Step.IDLE, Step.DECODE, Step.PREFILL);
        assertThat(second.tokensComputed()).isEqualTo(3);
        assertThat(second.usefulRows()).isEqualTo(2);
        assertThat(second.endNanos()).isGreaterThanOrEqualTo(second.startNanos());
        // a row whose answer is complete is not run again
        while (!batch.complete(1)) batch.step();
        assertThat(batch.output(1).length + (batch.ended(1) ? 1 : 0)).isLessThanOrEqualTo(5);
        Step after = batch.step();
        if (after != null) assertThat(after.kinds()[1]).isEqualTo(Step.IDLE);
    }

    @Test
    void startRejectsBadRequestsWithAReason() {
        RunningBatch batch = new RunningBatch(W, ComputePool.serial(), 2);
        batch.start(0, new int[]{1}, 3, 0, null, 0);
        assertThatThrownBy(() -> batch.start(0, new int[]{1}, 3, 0, null, 0)).hasMessageContaining("busy");
        assertThatThrownBy(() -> batch.start(2, new int[]{1}, 3, 0, null, 0)).hasMessageContaining("row 2");
        assertThatThrownBy(() -> batch.start(1, new int[0], 3, 0, null, 0)).hasMessageContaining("empty");
        assertThatThrownBy(() -> batch.start(1, new int[]{V}, 3, 0, null, 0)).hasMessageContaining("token id " + V);
        assertThatThrownBy(() -> batch.start(1, new int[30], 11, 0, null, 0)).hasMessageContaining("40 positions");
        assertThatThrownBy(() -> batch.start(1, new int[]{1}, 3, 0, null, -1f)).hasMessageContaining("bias");
        assertThatThrownBy(() -> batch.output(1)).isInstanceOf(IllegalStateException.class);
        batch.start(1, new int[30], 10, 0, null, 0); // exactly fits
    }
}
