package miniserve.model;

import java.util.Arrays;
import miniserve.kernels.Attention;
import miniserve.kernels.ComputePool;
import miniserve.kernels.Elementwise;
import miniserve.kernels.Embedding;
import miniserve.kernels.Gelu;
import miniserve.kernels.LayerNorm;
import miniserve.kernels.Matmul;

/**
 * GPT-2's forward pass for a batch of rows over a KV cache, one method per step of the network
 * in the order they run (the layout of llm.c's {@code gpt2_forward}). {@link GptTraining} runs
 * the same steps with the same kernels, keeping what its backward needs.
 *
 * <p>A sequence starts with {@link #prefill}: B rows of T slots, left-padded (so that every
 * row's next token goes to the same slot), row b's real tokens in slots firstValid[b] .. T-1.
 * Each row's position ids count from its own first real token (position = slot -
 * firstValid[b]), and attention never looks at a pad slot, so a row's result does not depend on
 * its neighbours. {@link #decodeStep} then appends one token per row at the next slot, reusing
 * the keys and values cached for the earlier slots. (Training right-pads instead.)
 *
 * <p>Continuous batching uses the same cache another way: each of the maxB rows is a slot of
 * the running batch with its own length, holding positions 0 .. its length - 1 and no padding.
 * {@link #appendRows} pushes the new tokens of several rows through the model in one pass (a new
 * row's whole prompt, or one generated token of a running row): the linear layers run over the
 * flattened tokens of all of them, and attention runs per token over its own row's cache (Orca's
 * selective batching). {@link #clearRow} frees a row for the next request. The two ways of using an
 * instance do not mix: a {@link #prefill} forgets every row, and {@link #appendRows} ends the
 * padded sequence. Both run the same {@link #forward}; only the tokens' rows, slots and positions
 * differ.
 *
 * <p>Every buffer is allocated once for (maxB, maxT): activations for maxB·maxT tokens and a KV
 * cache per layer (keys [maxB, NH, hd, Tk] transposed per head, values [maxB, Tk, C], with Tk =
 * {@link Attention#cacheSlots}(maxT)); nothing is allocated per token. Weights are only read,
 * the matrices from their packed copies ({@link GptWeights#packed}, made once by the first
 * instance), so several instances may share one {@link GptWeights}. An instance is not
 * thread-safe: one per model thread. Shapes below use B rows, T slots, C = n_embd, NH heads,
 * hd = C/NH, V = vocab size, R = B·T tokens (token r = b·T + t), or R new tokens of
 * {@link #appendRows}.
 */
public final class Gpt {

    private final GptWeights w;
    private final GptWeights.Packed packed;
    private final GptConfig config;
    private final ComputePool pool;
    private final int maxB, maxT;
    private final int C, NH, V;
    private final int Tk;         // slots of the KV cache: maxT and room for whole vectors of scores

    private final float[] x;      // [R, C]   residual stream
    private final float[] ln;     // [R, C]   layernorm output, the input of each block half
    private final float[] qkv;    // [R, 3C]  c_attn output: q | k | v
    private final float[] q;      // [R, C]   queries of the new tokens
    private final float[] atty;   // [R, C]   attention output, heads side by side
    private final float[] proj;   // [R, C]   c_proj output (attention, then MLP)
    private final float[] fch;    // [R, 4C]  MLP hidden layer
    private final float[] last;   // [maxB, C]  residual stream at each row's last new token
    private final float[] lastLn; // [maxB, C]  the same after ln_f
    private final float[] logits; // [maxB, V]  next-token logits of each row
    private final float[][] kTCache; // per layer [maxB, NH, hd, Tk]  keys, transposed per head
    private final float[][] vCache;  // per layer [maxB, Tk, C]       values
    private final int[] tokens;     // [R]  token ids of the tokens being computed
    private final int[] tokenRow;   // [R]  ... the row of each
    private final int[] tokenSlot;  // [R]  ... its slot in that row's cache
    private final int[] tokenPos;   // [R]  ... its position (negative: left padding, not embedded)
    private final int[] firstValid; // [maxB]  pad slots at the start of each row
    private final int[] rowLength;  // [maxB]  continuous batching: slots each row holds in the cache

    private int batch;  // rows of the current padded sequence (0 before the first prefill)
    private int length; // slots of the current padded sequence held in the cache

    /**
     * @param maxB most rows a sequence may have
     * @param maxT most slots (padding included) a sequence may grow to; at most n_positions plus
     *             the longest left padding, and it sizes the KV cache, so keep it to what
     *             generation needs
     */
    public Gpt(GptWeights weights, ComputePool pool, int maxB, int maxT) {
        if (maxB < 1 || maxT < 1)
            throw new IllegalArgumentException("maxB and maxT must be >= 1, got " + maxB + ", " + maxT);
        this.w = weights;
        this.packed = weights.packed(); // made now (once per weights), not in the first request
        this.config = weights.config;
        this.pool = pool;
        this.maxB = maxB;
        this.maxT = maxT;
        this.C = config.nEmbd();
        this.NH = config.nHead();
        this.V = config.vocabSize();
        this.Tk = Attention.cacheSlots(maxT);
        long rows = (long) maxB * maxT, cacheRows = (long) maxB * Tk;
        if (cacheRows * 4 * C > Integer.MAX_VALUE || (long) maxB * V > Integer.MAX_VALUE)
            throw new IllegalArgumentException("maxB * maxT = " + rows + " is too large for n_embd " + C);
        int R = (int) rows;
        x = new float[R * C];
        ln = new float[R * C];
        qkv = new float[R * 3 * C];
        q = new float[R * C];
        atty = new float[R * C];
        proj = new float[R * C];
        fch = new float[R * 4 * C];
        last = new float[maxB * C];
        lastLn = new float[maxB * C];
        logits = new float[maxB * V];
        kTCache = new float[config.nLayer()][(int) cacheRows * C];
        vCache = new float[config.nLayer()][(int) cacheRows * C];
        tokens = new int[R];
        tokenRow = new int[R];
        tokenSlot = new int[R];
        tokenPos = new int[R];
        firstValid = new int[maxB];
        rowLength = new int[maxB];
    }

    public GptConfig config() {
        return config;
    }

    public int maxB() {
        return maxB;
    }

    public int maxT() {
        return maxT;
    }

    /** Rows of the current sequence. */
    public int batchSize() {
        return batch;
    }

    /** Slots of the current sequence held in the KV cache (the next decode step writes slot {@code length()}). */
    public int length() {
        return length;
    }

    /**
     * Starts a sequence: runs slots 0 .. T-1 of every row through the model and caches their keys
     * and values. {@code tokenRows[b]} holds T token ids, its first {@code padding[b]} entries
     * padding (any value; pads are not embedded). Returns the logits of each row's last slot,
     * [B, V] at the start of an internal buffer that the next call overwrites.
     */
    public float[] prefill(int[][] tokenRows, int[] padding) {
        int T = start(tokenRows, padding);
        int B = batch;
        forward(placePadded(B, T, 0), firstValid);
        lastSlotLogits(B, T);
        return logits;
    }

    /**
     * As {@link #prefill}, but writes the logits of every slot into {@code out}, [B, T, V]
     * (a pad slot's logits are computed but mean nothing). This is the full forward of training
     * and of the benchmarks; generation needs only {@link #prefill}.
     */
    public void prefillAllLogits(int[][] tokenRows, int[] padding, float[] out) {
        int T = start(tokenRows, padding);
        int B = batch;
        if (out.length < (long) B * T * V)
            throw new IllegalArgumentException("out holds " + out.length + " floats, needs B*T*V = " + (long) B * T * V);
        forward(placePadded(B, T, 0), firstValid);
        allSlotLogits(B * T, out);
    }

    /**
     * Appends one token per row at slot {@link #length()} and returns each row's logits for the
     * slot after it, [B, V] at the start of an internal buffer that the next call overwrites.
     */
    public float[] decodeStep(int[] next) {
        int B = batch;
        if (B == 0) throw new IllegalStateException("decodeStep before prefill");
        if (next.length != B) throw new IllegalArgumentException("expected " + B + " tokens (one per row), got " + next.length);
        if (length >= maxT)
            throw new IllegalStateException("the sequence has reached maxT = " + maxT + " slots");
        for (int b = 0; b < B; b++) {
            checkToken(next[b], b, length);
            checkPosition(length - firstValid[b], b);
            tokens[b] = next[b];
        }
        forward(placePadded(B, 1, length), firstValid);
        length++;
        lastSlotLogits(B, 1);
        return logits;
    }

    /** Continuous batching: slots row {@code row} holds (its next token goes to position {@code rowLength(row)}). */
    public int rowLength(int row) {
        return rowLength[row];
    }

    /** Continuous batching: empties a row, so that its next {@link #appendRows} starts a new sequence at position 0. */
    public void clearRow(int row) {
        if (row < 0 || row >= maxB) throw new IllegalArgumentException("row " + row + "; this model has rows 0.." + (maxB - 1));
        rowLength[row] = 0;
    }

    /**
     * Continuous batching: appends {@code counts[i]} tokens to row {@code rows[i]} for i in 0 .. n-1, all
     * in one pass, and returns each of those rows' logits for the position after its last new token,
     * [n, V] at the start of an internal buffer that the next call overwrites. {@code tokens} holds the
     * new tokens row after row (counts[0] of rows[0], then counts[1] of rows[1], ...); a row's new
     * tokens take positions rowLength .. rowLength + count - 1 and see only that row's cache.
     */
    public float[] appendRows(int n, int[] rows, int[] counts, int[] tokens) {
        if (n < 1 || n > maxB) throw new IllegalArgumentException(n + " rows; this model takes 1.." + maxB);
        if (rows.length < n || counts.length < n) throw new IllegalArgumentException("rows and counts need " + n + " entries");
        int R = 0;
        for (int i = 0; i < n; i++) {
            int row = rows[i], count = counts[i];
            if (row < 0 || row >= maxB) throw new IllegalArgumentException("row " + row + "; this model has rows 0.." + (maxB - 1));
            for (int j = 0; j < i; j++) if (rows[j] == row) throw new IllegalArgumentException("row " + row + " is listed twice");
            if (count < 1) throw new IllegalArgumentException("row " + row + ": " + count + " new tokens, needs at least 1");
            int len = rowLength[row];
            if (len + count > maxT) throw new IllegalArgumentException("row " + row + " would hold " + (len + count) + " slots; this model holds " + maxT);
            checkPosition(len + count - 1, row);
            if ((long) R + count > tokenRow.length)
                throw new IllegalArgumentException("more than " + tokenRow.length + " new tokens in one pass");
            for (int t = 0; t < count; t++) {
                checkToken(tokens[R + t], row, len + t);
                tokenRow[R + t] = row;
                tokenSlot[R + t] = len + t;
                tokenPos[R + t] = len + t;
                this.tokens[R + t] = tokens[R + t];
            }
            R += count;
        }
        batch = 0; // the padded sequence, if any, is gone
        forward(R, null);
        int r = 0;
        for (int i = 0; i < n; i++) {
            r += counts[i];
            rowLength[rows[i]] += counts[i];
            System.arraycopy(x, (r - 1) * C, last, i * C, C); // the row's last new token
        }
        lastLogits(n);
        return logits;
    }

    /** Validates a prefill's input, copies its tokens and resets the sequence; returns T. */
    private int start(int[][] tokenRows, int[] padding) {
        int B = tokenRows.length;
        if (B < 1 || B > maxB) throw new IllegalArgumentException("batch of " + B + " rows; this model takes 1.." + maxB);
        if (padding.length != B) throw new IllegalArgumentException("padding has " + padding.length + " entries for " + B + " rows");
        int T = tokenRows[0].length;
        if (T < 1 || T > maxT) throw new IllegalArgumentException("prompt length " + T + "; this model takes 1.." + maxT);
        for (int b = 0; b < B; b++) {
            if (tokenRows[b].length != T)
                throw new IllegalArgumentException("row " + b + " has " + tokenRows[b].length + " slots, row 0 has " + T);
            if (padding[b] < 0 || padding[b] >= T)
                throw new IllegalArgumentException("row " + b + ": padding " + padding[b] + " must be in 0.." + (T - 1));
            checkPosition(T - 1 - padding[b], b);
            for (int t = padding[b]; t < T; t++) checkToken(tokenRows[b][t], b, t);
        }
        batch = 0; // nothing valid in the cache until this prefill completes
        Arrays.fill(rowLength, 0); // nor in any row of continuous batching
        for (int b = 0; b < B; b++) {
            firstValid[b] = padding[b];
            System.arraycopy(tokenRows[b], 0, tokens, b * T, T);
        }
        batch = B;
        length = T;
        return T;
    }

    private void checkToken(int token, int row, int slot) {
        if (token < 0 || token >= V)
            throw new IllegalArgumentException("row " + row + ", slot " + slot + ": token id " + token + " is outside the vocabulary 0.." + (V - 1));
    }

    private void checkPosition(int pos, int row) {
        if (pos >= config.nPositions())
            throw new IllegalArgumentException("row " + row + " reaches position " + pos + "; the model has " + config.nPositions() + " positions");
    }

    /**
     * Places the T slots pos0 .. pos0+T-1 of B left-padded rows: token b·T + t is at slot pos0+t
     * of row b, position pos0 + t - firstValid[b] (negative in the padding). Returns R = B·T.
     */
    private int placePadded(int B, int T, int pos0) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t;
                tokenRow[r] = b;
                tokenSlot[r] = pos0 + t;
                tokenPos[r] = pos0 + t - firstValid[b];
            }
        }
        return B * T;
    }

    /**
     * Runs R placed tokens through every block; leaves the residual stream in x. first[b]: the
     * first real slot of row b (left padding before it), or null.
     */
    private void forward(int R, int[] first) {
        Embedding.forward(x, tokens, tokenPos, w.wte, w.wpe, R, C);
        for (int l = 0; l < config.nLayer(); l++) {
            GptWeights.Layer lw = w.layers[l];
            layerNorm(ln, x, lw.ln1W, lw.ln1B, R);
            Matmul.matmul(pool, qkv, ln, packed.layers()[l].attnW(), lw.attnB, R);
            attention(l, R, first);
            attentionProjectionResidual(l, R);
            layerNorm(ln, x, lw.ln2W, lw.ln2B, R);
            mlpResidual(l, R);
        }
    }

    /** out[R, C] = layernorm(in[R, C]) · gamma + beta. */
    private void layerNorm(float[] out, float[] in, float[] gamma, float[] beta, int R) {
        LayerNorm.forward(pool, out, null, null, in, gamma, beta, R, C, config.layerNormEps());
    }

    /**
     * Each token's key and value from qkv[R, 3C] go into its row's cache at its slot; then
     * atty[R, C] = causal softmax(q·kᵀ/√hd)·v per head over the cache, pads masked.
     */
    private void attention(int l, int R, int[] first) {
        Attention.splitQkv(q, kTCache[l], vCache[l], qkv, tokenRow, tokenSlot, R, Tk, C, NH);
        Attention.forward(pool, atty, null, q, kTCache[l], vCache[l], tokenRow, tokenSlot, first, R, Tk, C, NH);
    }

    /** proj[R, C] = atty[R, C] · c_proj[C, C] + b;  x += proj. */
    private void attentionProjectionResidual(int l, int R) {
        Matmul.matmul(pool, proj, atty, packed.layers()[l].attnProjW(), w.layers[l].attnProjB, R);
        Elementwise.addInPlace(x, proj, R * C);
    }

    /** fch[R, 4C] = gelu(ln[R, C] · c_fc[C, 4C] + b);  proj[R, C] = fch · mlp.c_proj[4C, C] + b;  x += proj. */
    private void mlpResidual(int l, int R) {
        GptWeights.PackedLayer m = packed.layers()[l];
        Matmul.matmul(pool, fch, ln, m.fcW(), w.layers[l].fcB, R);
        Gelu.forward(pool, fch, null, fch, R * 4 * C);
        Matmul.matmul(pool, proj, fch, m.fcProjW(), w.layers[l].fcProjB, R);
        Elementwise.addInPlace(x, proj, R * C);
    }

    /** last[B, C] = x at each row's last slot; then {@link #lastLogits}. */
    private void lastSlotLogits(int B, int T) {
        for (int b = 0; b < B; b++) System.arraycopy(x, (b * T + T - 1) * C, last, b * C, C);
        lastLogits(B);
    }

    /** lastLn = ln_f(last[B, C]);  logits[B, V] = lastLn · wteᵀ (packed [C, V]). */
    private void lastLogits(int B) {
        layerNorm(lastLn, last, w.lnFW, w.lnFB, B);
        Matmul.matmul(pool, logits, lastLn, packed.lmHead(), null, B);
    }

    /** ln[R, C] = ln_f(x);  out[R, V] = ln · wteᵀ. */
    private void allSlotLogits(int R, float[] out) {
        layerNorm(ln, x, w.lnFW, w.lnFB, R);
        Matmul.matmul(pool, out, ln, packed.lmHead(), null, R);
    }
}
