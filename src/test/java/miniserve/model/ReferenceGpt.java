package miniserve.model;

/**
 * GPT-2's forward for one unpadded sequence in float64, written out plainly with no cache, no
 * batching and nothing from the kernels package: the independent reference the model is tested
 * against.
 */
final class ReferenceGpt {
    private ReferenceGpt() {}

    /** logits[t][v] for every position of {@code tokens} (positions 0 .. T-1). */
    static double[][] logits(GptWeights w, int[] tokens) {
        GptConfig cfg = w.config;
        int T = tokens.length, C = cfg.nEmbd(), V = cfg.vocabSize(), H = cfg.nHead(), hd = C / H;
        double eps = cfg.layerNormEps();
        double[][] x = new double[T][C];
        for (int t = 0; t < T; t++)
            for (int c = 0; c < C; c++) x[t][c] = (double) w.wte[tokens[t] * C + c] + w.wpe[t * C + c];

        for (GptWeights.Layer l : w.layers) {
            // attention half
            double[][] h = layerNorm(x, l.ln1W, l.ln1B, eps);
            double[][] qkv = linear(h, l.attnW, l.attnB, C, 3 * C);
            double[][] a = new double[T][C];
            for (int head = 0; head < H; head++) {
                for (int t = 0; t < T; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) dot += qkv[t][head * hd + i] * qkv[s][C + head * hd + i];
                        scores[s] = dot / Math.sqrt(hd);
                        max = Math.max(max, scores[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s <= t; s++) {
                        scores[s] = Math.exp(scores[s] - max);
                        sum += scores[s];
                    }
                    for (int s = 0; s <= t; s++)
                        for (int i = 0; i < hd; i++) a[t][head * hd + i] += scores[s] / sum * qkv[s][2 * C + head * hd + i];
                }
            }
            add(x, linear(a, l.attnProjW, l.attnProjB, C, C));
            // MLP half
            h = layerNorm(x, l.ln2W, l.ln2B, eps);
            double[][] f = linear(h, l.fcW, l.fcB, C, 4 * C);
            for (double[] row : f)
                for (int i = 0; i < row.length; i++) {
                    double v = row[i];
                    row[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
            add(x, linear(f, l.fcProjW, l.fcProjB, 4 * C, C));
        }
        double[][] h = layerNorm(x, w.lnFW, w.lnFB, eps);
        double[][] logits = new double[T][V];
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++) {
                double dot = 0;
                for (int c = 0; c < C; c++) dot += h[t][c] * w.wte[v * C + c];
                logits[t][v] = dot;
            }
        return logits;
    }

    private static double[][] layerNorm(double[][] x, float[] g, float[] b, double eps) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int C = x[t].length;
            double mean = 0, var = 0;
            for (double v : x[t]) mean += v;
            mean /= C;
            for (double v : x[t]) var += (v - mean) * (v - mean);
            var /= C;
            out[t] = new double[C];
            for (int c = 0; c < C; c++) out[t][c] = (x[t][c] - mean) / Math.sqrt(var + eps) * g[c] + b[c];
        }
        return out;
    }

    /** x[T, in] · w[in, out] + b, with w row-major [in, out]. */
    private static double[][] linear(double[][] x, float[] w, float[] b, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++)
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int i = 0; i < in; i++) acc += x[t][i] * w[i * out + o];
                y[t][o] = acc;
            }
        return y;
    }

    private static void add(double[][] acc, double[][] x) {
        for (int t = 0; t < acc.length; t++)
            for (int c = 0; c < acc[t].length; c++) acc[t][c] += x[t][c];
    }
}
