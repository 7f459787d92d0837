package miniserve.kernels;

/** Per-thread scratch arrays, grown on demand and reused across kernel calls (no allocation per call once warm). */
final class Scratch {
    private Scratch() {}

    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[256]);

    /** This thread's scratch of at least n floats; its contents are undefined. */
    static float[] floats(int n) {
        float[] a = FLOATS.get();
        if (a.length < n) {
            a = new float[Math.max(n, a.length * 2)];
            FLOATS.set(a);
        }
        return a;
    }
}
