package miniserve.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GLEU (Napoles et al. 2015, "Ground Truth for Grammatical Error Correction Metrics", with the 2016
 * update for multiple references), computed as the JFLEG authors' scorer {@code eval/gleu.py}
 * (github.com/keisks/jfleg) does under Python 3, so that scores compare with published ones.
 *
 * <p>Per sentence and reference, for n = 1..4: the hypothesis n-grams matching the reference
 * (clipped counts) minus the hypothesis n-grams matching source n-grams that the reference does not
 * contain (clipped against the source counts), floored at 0, over max(0, |hyp| + 1 − n); plus the
 * hypothesis and reference lengths. Corpus GLEU sums these statistics over the sentences and
 * combines them like BLEU: exp(min(0, 1 − r/c) + ¼ Σ log(match_n / total_n)), or 0 if any sum is 0.
 * It is computed {@value #ITERATIONS} times, iteration j drawing one reference per sentence with
 * Python's {@code random.seed(j * 101)} and {@code random.randint(0, refs − 1)} ({@link GleuRandom});
 * the result is the mean and the (population) standard deviation over the iterations.
 *
 * <p>All text is compared as whitespace-separated tokens (Python's {@code str.split()}), so it must
 * already be tokenized as the references are: see {@link JflegText#tokenize}.
 */
public final class Gleu {

    public static final int ORDER = 4;
    public static final int ITERATIONS = 500;
    /** scipy.stats.norm.ppf(0.975): the scorer's 95% interval is mean ± this × std. */
    private static final double Z_975 = 1.959963984540054;

    /**
     * A corpus GLEU score.
     *
     * @param mean   mean over the iterations (the figure reported as GLEU)
     * @param std    population standard deviation over the iterations
     * @param ciLow  lower end of the normal 95% interval (NaN when std is 0, as scipy gives)
     * @param ciHigh upper end
     */
    public record Score(double mean, double std, double ciLow, double ciHigh) {}

    private final int sentences;
    private final int numRefs;
    private final int[][] refLengths;                         // [sentence][ref]
    private final List<List<List<Map<String, Integer>>>> refNgrams;   // [sentence][ref][n-1]
    private final List<List<List<Map<String, Integer>>>> sourceOnly;  // source n-grams absent from the ref

    /**
     * @param sources    the source sentences, tokenized
     * @param references one list per reference set (as the scorer's {@code -r} files), each with a
     *                   reference for every source sentence
     */
    public Gleu(List<String> sources, List<List<String>> references) {
        if (references.isEmpty()) throw new IllegalArgumentException("GLEU needs at least one set of references");
        for (int k = 0; k < references.size(); k++)
            if (references.get(k).size() != sources.size())
                throw new IllegalArgumentException("reference set " + k + " has " + references.get(k).size()
                        + " sentences, the sources " + sources.size());
        sentences = sources.size();
        numRefs = references.size();
        refLengths = new int[sentences][numRefs];
        refNgrams = new ArrayList<>(sentences);
        sourceOnly = new ArrayList<>(sentences);
        for (int i = 0; i < sentences; i++) {
            List<Map<String, Integer>> src = ngramsByOrder(tokens(sources.get(i)));
            List<List<Map<String, Integer>>> refs = new ArrayList<>(numRefs), diffs = new ArrayList<>(numRefs);
            for (int r = 0; r < numRefs; r++) {
                String[] ref = tokens(references.get(r).get(i));
                refLengths[i][r] = ref.length;
                List<Map<String, Integer>> refByOrder = ngramsByOrder(ref);
                List<Map<String, Integer>> diffByOrder = new ArrayList<>(ORDER);
                for (int n = 0; n < ORDER; n++) {
                    Map<String, Integer> diff = new HashMap<>(src.get(n));
                    diff.keySet().removeAll(refByOrder.get(n).keySet());
                    diffByOrder.add(diff);
                }
                refs.add(refByOrder);
                diffs.add(diffByOrder);
            }
            refNgrams.add(refs);
            sourceOnly.add(diffs);
        }
    }

    public int sentences() {
        return sentences;
    }

    /** Corpus GLEU of the hypotheses (one per source sentence, tokenized), over {@value #ITERATIONS} iterations. */
    public Score score(List<String> hypotheses) {
        return score(hypotheses, ITERATIONS);
    }

    public Score score(List<String> hypotheses, int iterations) {
        if (hypotheses.size() != sentences)
            throw new IllegalArgumentException("got " + hypotheses.size() + " hypotheses for " + sentences + " sentences");
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive: " + iterations);
        // the scorer draws every iteration's references first, one generator state per iteration
        int[][] chosen = new int[iterations][sentences];
        for (int j = 0; j < iterations; j++) {
            GleuRandom random = new GleuRandom(j * 101L);
            for (int i = 0; i < sentences; i++) chosen[j][i] = (int) random.randint(0, numRefs - 1);
        }
        long[][] totals = new long[iterations][2 + 2 * ORDER];
        for (int i = 0; i < sentences; i++) {
            long[][] byRef = new long[numRefs][];
            for (int r = 0; r < numRefs; r++) byRef[r] = sentenceStats(i, r, tokens(hypotheses.get(i)));
            for (int j = 0; j < iterations; j++) {
                long[] s = byRef[chosen[j][i]];
                for (int k = 0; k < s.length; k++) totals[j][k] += s[k];
            }
        }
        double[] scores = new double[iterations];
        for (int j = 0; j < iterations; j++) scores[j] = gleu(totals[j]);
        double mean = 0;
        for (double s : scores) mean += s;
        mean /= iterations;
        double var = 0;
        for (double s : scores) var += (s - mean) * (s - mean);
        double std = Math.sqrt(var / iterations);
        double ciLow = std > 0 ? mean - Z_975 * std : Double.NaN, ciHigh = std > 0 ? mean + Z_975 * std : Double.NaN;
        return new Score(mean, std, ciLow, ciHigh);
    }

    /** (hyp length, ref length, match_1, total_1, ..., match_4, total_4) for sentence i against reference r. */
    private long[] sentenceStats(int i, int r, String[] hyp) {
        long[] stats = new long[2 + 2 * ORDER];
        stats[0] = hyp.length;
        stats[1] = refLengths[i][r];
        List<Map<String, Integer>> hypByOrder = ngramsByOrder(hyp);
        for (int n = 1; n <= ORDER; n++) {
            Map<String, Integer> h = hypByOrder.get(n - 1);
            long matches = clippedOverlap(h, refNgrams.get(i).get(r).get(n - 1))
                    - clippedOverlap(h, sourceOnly.get(i).get(r).get(n - 1));
            stats[2 * n] = Math.max(matches, 0);
            stats[2 * n + 1] = Math.max(hyp.length + 1 - n, 0);
        }
        return stats;
    }

    /** Σ min(a[g], b[g]) over the n-grams g of both: the size of Python's Counter {@code a & b}. */
    private static long clippedOverlap(Map<String, Integer> a, Map<String, Integer> b) {
        Map<String, Integer> small = a.size() <= b.size() ? a : b, large = small == a ? b : a;
        long sum = 0;
        for (Map.Entry<String, Integer> e : small.entrySet()) {
            Integer other = large.get(e.getKey());
            if (other != null) sum += Math.min(e.getValue(), other);
        }
        return sum;
    }

    /** GLEU of summed statistics: 0 if any is 0, else the brevity-penalised geometric mean of precisions. */
    static double gleu(long[] stats) {
        for (long s : stats) if (s == 0) return 0;
        double c = stats[0], r = stats[1];
        double logPrecision = 0;
        for (int n = 1; n <= ORDER; n++) logPrecision += Math.log((double) stats[2 * n] / stats[2 * n + 1]);
        logPrecision /= ORDER;
        return Math.exp(Math.min(0, 1 - r / c) + logPrecision);
    }

    /** n-gram counts for n = 1..ORDER, keyed by the tokens joined with single spaces. */
    private static List<Map<String, Integer>> ngramsByOrder(String[] tokens) {
        List<Map<String, Integer>> out = new ArrayList<>(ORDER);
        for (int n = 1; n <= ORDER; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= tokens.length; i++) {
                String key = n == 1 ? tokens[i] : String.join(" ", java.util.Arrays.asList(tokens).subList(i, i + n));
                counts.merge(key, 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }

    /** Python's {@code str.split()}: tokens between runs of Unicode white space. */
    static String[] tokens(String line) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < line.length(); i++) {
            if (isPythonSpace(line.charAt(i))) {
                if (start >= 0) out.add(line.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) out.add(line.substring(start));
        return out.toArray(String[]::new);
    }

    /** Python's {@code str.isspace()} (no white space lies outside the BMP). */
    static boolean isPythonSpace(char c) {
        return (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }
}
