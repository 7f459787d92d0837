package miniserve.model;

import miniserve.kernels.Attention;
import miniserve.kernels.ComputePool;
import miniserve.kernels.Elementwise;
import miniserve.kernels.Gelu;
import miniserve.kernels.LayerNorm;
import miniserve.kernels.Matmul;

import java.util.Arrays;

/**
 * GPT-2's forward pass for a batch of rows over a KV cache, one method per step of the network
 * in the order they run (the layout of llm.c's {@code gpt2_forward}).
 *
 * <p>A sequence starts with {@link #prefill}: B rows of T slots, left-padded, row b's real
 * tokens in slots firstValid[b] .. T-1. Each row's position ids count from its own first real
 * token (position = slot - firstValid[b]), and attention never looks at a pad slot, so a row's
 * result does not depend on its neighbours. {@link #decodeStep} then appends one token per row
 * at the next slot, reusing the keys and values cached for the earlier slots.
 *
 * <p>Continuous batching uses the same cache another way: each of the maxBatch rows is a slot of
 * the running batch with its own length, holding positions 0 .. its length - 1 and no padding.
 * {@link #appendRows} pushes the new tokens of several rows through the model in one pass (a new
 * row's whole prompt, or one generated token of a running row): the linear layers run over the
 * flattened tokens of all of them, and attention runs per token over its own row's cache (Orca's
 * selective batching). {@link #clearRow} frees a row for the next request. The two ways of using an
 * instance do not mix: a {@link #prefill} forgets every row, and {@link #appendRows} ends the
 * padded sequence.
 *
 * <p>Every buffer is allocated once for (maxBatch, maxSeq): activations for maxBatch·maxSeq rows
 * and a KV cache of [maxBatch, maxSeq, C] per layer; nothing is allocated per token. Weights are
 * only read, the matrices from their packed copies ({@link GptWeights#packed}, made
 * once by the first instance), so several instances may share one {@link GptWeights}. An instance is not
 * thread-safe: one per model thread. Shapes below use C = n_embd, V = vocab size, R = B·T rows
 * (row r = b·T + t).
 */
public final class Gpt {

    private final GptWeights w;
    private final GptWeights.Packed packed;
    private final GptConfig config;
    private final ComputePool pool;
    private final int maxBatch, maxSeq;
    private final int C, V, nHead;

    private final float[] x;      // [R, C]   residual stream
    private final float[] ln;     // [R, C]   layernorm output, the input of each block half
    private final float[] qkv;    // [R, 3C]  c_attn output: q | k | v
    private final float[] q;      // [R, C]   queries of the new slots
    private final float[] att;    // [R, C]   attention output, heads side by side
    private final float[] proj;   // [R, C]   c_proj output (attention, then MLP)
    private final float[] fc;     // [R, 4C]  MLP hidden layer
    private final float[] last;   // [maxBatch, C]  residual stream at each row's last slot
    private final float[] lastLn; // [maxBatch, C]  the same after ln_f
    private final float[] logits; // [maxBatch, V]  next-token logits of each row
    private final float[][] kCache, vCache; // per layer [maxBatch, maxSeq, C]
    private final int[] tokens;     // [R]  token ids of the slots being computed
    private final int[] firstValid; // [maxBatch]  pad slots at the start of each row
    private final int[] rowLength;  // [maxBatch]  continuous batching: slots each row holds in the cache
    private final int[] tokenRow;   // [R]  continuous batching: the row of each token being computed
    private final int[] tokenPos;   // [R]  ... and its position in that row

    private int batch;  // rows of the current sequence (0 before the first prefill)
    private int length; // slots of the current sequence held in the cache

    /**
     * @param maxBatch most rows a sequence may have
     * @param maxSeq   most slots (padding included) a sequence may grow to; at most n_positions
     *                 plus the longest left padding, and it sizes the KV cache, so keep it to what
     *                 generation needs
     */
    public Gpt(GptWeights weights, ComputePool pool, int maxBatch, int maxSeq) {
        if (maxBatch < 1 || maxSeq < 1)
            throw new IllegalArgumentException("maxBatch and maxSeq must be >= 1, got " + maxBatch + ", " + maxSeq);
        this.w = weights;
        this.packed = weights.packed(); // made now (once per weights), not in the first request
        this.config = weights.config;
        this.pool = pool;
        this.maxBatch = maxBatch;
        this.maxSeq = maxSeq;
        this.C = config.nEmbd();
        this.V = config.vocabSize();
        this.nHead = config.nHead();
        long rows = (long) maxBatch * maxSeq;
        if (rows * 4 * C > Integer.MAX_VALUE || (long) maxBatch * V > Integer.MAX_VALUE)
            throw new IllegalArgumentException("maxBatch * maxSeq = " + rows + " is too large for n_embd " + C);
        int R = (int) rows;
        x = new float[R * C];
        ln = new float[R * C];
        qkv = new float[R * 3 * C];
        q = new float[R * C];
        att = new float[R * C];
        proj = new float[R * C];
        fc = new float[R * 4 * C];
        last = new float[maxBatch * C];
        lastLn = new float[maxBatch * C];
        logits = new float[maxBatch * V];
        kCache = new float[config.nLayer()][R * C];
        vCache = new float[config.nLayer()][R * C];
        tokens = new int[R];
        firstValid = new int[maxBatch];
        rowLength = new int[maxBatch];
        tokenRow = new int[R];
        tokenPos = new int[R];
    }

    public GptConfig config() {
        return config;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int maxSeq() {
        return maxSeq;
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
        forward(B, T, 0);
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
        forward(B, T, 0);
        allSlotLogits(B, T, out);
    }

    /**
     * Appends one token per row at slot {@link #length()} and returns each row's logits for the
     * slot after it, [B, V] at the start of an internal buffer that the next call overwrites.
     */
    public float[] decodeStep(int[] next) {
        int B = batch;
        if (B == 0) throw new IllegalStateException("decodeStep before prefill");
        if (next.length != B) throw new IllegalArgumentException("expected " + B + " tokens (one per row), got " + next.length);
        if (length >= maxSeq)
            throw new IllegalStateException("the sequence has reached maxSeq = " + maxSeq + " slots");
        for (int b = 0; b < B; b++) {
            checkToken(next[b], b, length);
            checkPosition(length - firstValid[b], b);
            tokens[b] = next[b];
        }
        forward(B, 1, length);
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
        if (row < 0 || row >= maxBatch) throw new IllegalArgumentException("row " + row + "; this model has rows 0.." + (maxBatch - 1));
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
        if (n < 1 || n > maxBatch) throw new IllegalArgumentException(n + " rows; this model takes 1.." + maxBatch);
        if (rows.length < n || counts.length < n) throw new IllegalArgumentException("rows and counts need " + n + " entries");
        int R = 0;
        for (int i = 0; i < n; i++) {
            int row = rows[i], count = counts[i];
            if (row < 0 || row >= maxBatch) throw new IllegalArgumentException("row " + row + "; this model has rows 0.." + (maxBatch - 1));
            for (int j = 0; j < i; j++) if (rows[j] == row) throw new IllegalArgumentException("row " + row + " is listed twice");
            if (count < 1) throw new IllegalArgumentException("row " + row + ": " + count + " new tokens, needs at least 1");
            int len = rowLength[row];
            if (len + count > maxSeq) throw new IllegalArgumentException("row " + row + " would hold " + (len + count) + " slots; this model holds " + maxSeq);
            checkPosition(len + count - 1, row);
            if ((long) R + count > tokenRow.length)
                throw new IllegalArgumentException("more than " + tokenRow.length + " new tokens in one pass");
            for (int t = 0; t < count; t++) {
                checkToken(tokens[R + t], row, len + t);
                tokenRow[R + t] = row;
                tokenPos[R + t] = len + t;
                this.tokens[R + t] = tokens[R + t];
            }
            R += count;
        }
        batch = 0; // the padded sequence, if any, is gone
        forwardRows(R);
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
        if (B < 1 || B > maxBatch) throw new IllegalArgumentException("batch of " + B + " rows; this model takes 1.." + maxBatch);
        if (padding.length != B) throw new IllegalArgumentException("padding has " + padding.length + " entries for " + B + " rows");
        int T = tokenRows[0].length;
        if (T < 1 || T > maxSeq) throw new IllegalArgumentException("prompt length " + T + "; this model takes 1.." + maxSeq);
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

    /** Runs the T slots pos0 .. pos0+T-1 of B rows through every block; leaves the residual stream in x. */
    private void forward(int B, int T, int pos0) {
        int R = B * T;
        embed(B, T, pos0);
        for (int l = 0; l < config.nLayer(); l++) {
            GptWeights.Layer lw = w.layers[l];
            layerNorm(ln, x, lw.ln1W, lw.ln1B, R);
            qkvProjection(lw, l, B, T, pos0);
            attention(l, B, T, pos0);
            attentionProjectionResidual(lw, l, R);
            layerNorm(ln, x, lw.ln2W, lw.ln2B, R);
            mlpResidual(lw, l, R);
        }
    }

    /** As {@link #forward} for the R tokens of {@link #appendRows}: token r at position tokenPos[r] of row tokenRow[r]. */
    private void forwardRows(int R) {
        embedRows(R);
        for (int l = 0; l < config.nLayer(); l++) {
            GptWeights.Layer lw = w.layers[l];
            layerNorm(ln, x, lw.ln1W, lw.ln1B, R);
            qkvProjectionRows(lw, l, R);
            Attention.attentionRows(pool, att, q, kCache[l], vCache[l], tokenRow, tokenPos, R, maxSeq, C, nHead);
            attentionProjectionResidual(lw, l, R);
            layerNorm(ln, x, lw.ln2W, lw.ln2B, R);
            mlpResidual(lw, l, R);
        }
    }

    /** x[R, C] = wte[token] + wpe[tokenPos]. */
    private void embedRows(int R) {
        for (int r = 0; r < R; r++) {
            int xo = r * C, eo = tokens[r] * C, po = tokenPos[r] * C;
            for (int c = 0; c < C; c++) x[xo + c] = w.wte[eo + c] + w.wpe[po + c];
        }
    }

    /** As {@link #qkvProjection}, each token's key and value going to its own row's cache at its position. */
    private void qkvProjectionRows(GptWeights.Layer lw, int l, int R) {
        Matmul.matmul(pool, qkv, ln, packed.layers()[l].attnW(), lw.attnB, R);
        float[] k = kCache[l], v = vCache[l];
        for (int r = 0; r < R; r++) {
            int src = r * 3 * C, dst = (tokenRow[r] * maxSeq + tokenPos[r]) * C;
            System.arraycopy(qkv, src, q, r * C, C);
            System.arraycopy(qkv, src + C, k, dst, C);
            System.arraycopy(qkv, src + 2 * C, v, dst, C);
        }
    }

    /** x[R, C] = wte[token] + wpe[slot - firstValid[b]]; pad slots get zeros (nothing attends to them). */
    private void embed(int B, int T, int pos0) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, slot = pos0 + t, xo = r * C;
                int pos = slot - firstValid[b];
                if (pos < 0) {
                    Arrays.fill(x, xo, xo + C, 0f);
                    continue;
                }
                int eo = tokens[r] * C, po = pos * C;
                for (int c = 0; c < C; c++) x[xo + c] = w.wte[eo + c] + w.wpe[po + c];
            }
        }
    }

    /** out[R, C] = layernorm(in[R, C]) · gamma + beta. */
    private void layerNorm(float[] out, float[] in, float[] gamma, float[] beta, int R) {
        LayerNorm.layerNorm(out, in, gamma, beta, R, C, config.layerNormEps());
    }

    /**
     * qkv[R, 3C] = ln[R, C] · c_attn[C, 3C] + b; then q[R, C] keeps the queries and the keys and
     * values go into the cache at slots pos0 .. pos0+T-1.
     */
    private void qkvProjection(GptWeights.Layer lw, int l, int B, int T, int pos0) {
        int R = B * T;
        Matmul.matmul(pool, qkv, ln, packed.layers()[l].attnW(), lw.attnB, R);
        float[] k = kCache[l], v = vCache[l];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, src = r * 3 * C, dst = (b * maxSeq + pos0 + t) * C;
                System.arraycopy(qkv, src, q, r * C, C);
                System.arraycopy(qkv, src + C, k, dst, C);
                System.arraycopy(qkv, src + 2 * C, v, dst, C);
            }
        }
    }

    /** att[R, C] = causal softmax(q·kᵀ/√hd)·v per head over the cache [B, maxSeq, C], pads masked. */
    private void attention(int l, int B, int T, int pos0) {
        Attention.attention(pool, att, q, kCache[l], vCache[l], firstValid, B, T, pos0, maxSeq, C, nHead);
    }

    /** proj[R, C] = att[R, C] · c_proj[C, C] + b;  x += proj. */
    private void attentionProjectionResidual(GptWeights.Layer lw, int l, int R) {
        Matmul.matmul(pool, proj, att, packed.layers()[l].attnProjW(), lw.attnProjB, R);
        Elementwise.addInPlace(x, proj, R * C);
    }

    /** fc[R, 4C] = gelu(ln[R, C] · c_fc[C, 4C] + b);  proj[R, C] = fc · mlp.c_proj[4C, C] + b;  x += proj. */
    private void mlpResidual(GptWeights.Layer lw, int l, int R) {
        Matmul.matmul(pool, fc, ln, packed.layers()[l].fcW(), lw.fcB, R);
        Gelu.gelu(fc, fc, R * 4 * C);
        Matmul.matmul(pool, proj, fc, packed.layers()[l].fcProjW(), lw.fcProjB, R);
        Elementwise.addInPlace(x, proj, R * C);
    }

    /** last[B, C] = x at each row's last slot; then {@link #lastLogits}. */
    private void lastSlotLogits(int B, int T) {
        for (int b = 0; b < B; b++) System.arraycopy(x, (b * T + T - 1) * C, last, b * C, C);
        lastLogits(B);
    }

    /** lastLn = ln_f(last[B, C]);  logits[B, V] = lastLn · wteᵀ (packed [C, V]). */
    private void lastLogits(int B) {
        LayerNorm.layerNorm(lastLn, last, w.lnFW, w.lnFB, B, C, config.layerNormEps());
        Matmul.matmul(pool, logits, lastLn, packed.lmHead(), null, B);
    }

    /** ln[R, C] = ln_f(x);  out[R, V] = ln · wteᵀ. */
    private void allSlotLogits(int B, int T, float[] out) {
        int R = B * T;
        layerNorm(ln, x, w.lnFW, w.lnFB, R);
        Matmul.matmul(pool, out, ln, packed.lmHead(), null, R);
    }
}
