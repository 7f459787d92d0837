package miniserve.eval;

/**
 * CPython 3's {@code random.Random}, as far as GLEU needs it: the MT19937 Mersenne Twister seeded
 * from an integer the way {@code random.seed(n)} does (the 32-bit words of |n|, least significant
 * first, fed to {@code init_by_array}), and {@code getrandbits}, {@code random}, {@code randint},
 * {@code choice} built on it as in CPython's {@code _randommodule.c} and {@code random.py}
 * ({@code _randbelow} draws {@code n.bit_length()} bits and rejects values ≥ n). The JFLEG scorer
 * draws its references with {@code random.seed(i * 101)} and {@code random.randint(0, refs - 1)}, so
 * reproducing its scores needs this exact stream.
 */
public final class GleuRandom {

    private static final int N = 624, M = 397;
    private static final int MATRIX_A = 0x9908b0df, UPPER_MASK = 0x80000000, LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int mti;

    /** A generator seeded as {@code random.seed(seed)}. */
    public GleuRandom(long seed) {
        seed(java.math.BigInteger.valueOf(seed));
    }

    /** A generator seeded as {@code random.seed(seed)} with an integer of any size. */
    public GleuRandom(java.math.BigInteger seed) {
        seed(seed);
    }

    private void seed(java.math.BigInteger seed) {
        java.math.BigInteger n = seed.abs();
        int words = Math.max(1, (n.bitLength() + 31) / 32);
        int[] key = new int[words];
        for (int i = 0; i < words; i++) key[i] = n.shiftRight(32 * i).intValue();
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        mti = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32 random bits, as an unsigned value in a long. */
    public long nextUint32() {
        if (mti >= N) twist();
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    private void twist() {
        int kk = 0, y;
        for (; kk < N - M; kk++) {
            y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        for (; kk < N - 1; kk++) {
            y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        mti = 0;
    }

    /** {@code random.getrandbits(k)} for 0 ≤ k ≤ 63: 32-bit words from the least significant up, the last one cut. */
    public long getrandbits(int k) {
        if (k < 0 || k > 63) throw new IllegalArgumentException("k must be in 0..63: " + k);
        if (k == 0) return 0;
        if (k <= 32) return nextUint32() >>> (32 - k);
        long low = nextUint32();
        long high = nextUint32() >>> (64 - k);
        return (high << 32) | low;
    }

    /** {@code random.random()}: 53 random bits as a double in [0, 1). */
    public double random() {
        long a = nextUint32() >>> 5, b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /** {@code random._randbelow(n)} for n ≥ 1: a uniform value in [0, n) by rejection. */
    public long randbelow(long n) {
        if (n <= 0) throw new IllegalArgumentException("n must be positive: " + n);
        int k = 64 - Long.numberOfLeadingZeros(n); // n.bit_length()
        long r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return r;
    }

    /** {@code random.randint(a, b)}: a uniform value in [a, b]. */
    public long randint(long a, long b) {
        if (b < a) throw new IllegalArgumentException("empty range for randint(" + a + ", " + b + ")");
        return a + randbelow(b - a + 1);
    }

    /** {@code random.choice(seq)} on a sequence of {@code size} elements: the index chosen. */
    public int choiceIndex(int size) {
        if (size <= 0) throw new IllegalArgumentException("cannot choose from an empty sequence");
        return (int) randbelow(size);
    }
}
