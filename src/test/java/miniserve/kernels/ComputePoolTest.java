package miniserve.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang is a failure, not a stuck build
class ComputePoolTest {

    /** Every index of [0, n) is visited exactly once, ranges start on grain boundaries. */
    static void assertCoversOnce(ComputePool pool, int n, int grain) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.parallelFor(n, grain, (from, to) -> {
            if (from % grain != 0) throw new AssertionError("range starts at " + from + ", not a multiple of " + grain);
            if (to != n && (to - from) % grain != 0) throw new AssertionError("range " + from + ".." + to + " is not a multiple of " + grain);
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of n=" + n + " grain=" + grain);
    }

    @Test
    void coversEveryIndexExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (ComputePool pool = ComputePool.create(threads)) {
                for (int n : new int[] {1, 2, 3, 5, 16, 17, 100, 1001}) {
                    for (int grain : new int[] {1, 4, 16, 48}) assertCoversOnce(pool, n, grain);
                }
                pool.parallelFor(0, 1, (a, b) -> { throw new AssertionError("called for n=0"); });
            }
        }
    }

    @Test
    void workersReallyRunInParallel() throws Exception {
        try (ComputePool pool = ComputePool.create(2)) {
            Set threadsSeen = new Set();
            // Each range waits until two different threads have arrived (or times out).
            CountDownLatch both = new CountDownLatch(2);
            pool.parallelFor(2, 1, (from, to) -> {
                threadsSeen.add(Thread.currentThread().getName());
                both.countDown();
                try {
                    both.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(2, threadsSeen.size(), "threads that ran a range: " + threadsSeen);
        }
    }

    private static final class Set {
        final ConcurrentHashMap<String, Boolean> map = new ConcurrentHashMap<>();
        void add(String s) { map.put(s, true); }
        int size() { return map.size(); }
        @Override public String toString() { return map.keySet().toString(); }
    }

    @Test
    void anExceptionInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (ComputePool pool = ComputePool.create(2)) {
            for (int round = 0; round < 50; round++) {
                var e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, 1, (from, to) -> {
                    if (to == 100) throw new IllegalStateException("boom in the last range");
                }));
                assertEquals("boom in the last range", e.getMessage());
                assertCoversOnce(pool, 100, 1);
            }
        }
    }

    @Test
    void anExceptionWaitsForTheRangesStillRunningThenPropagates() {
        try (ComputePool pool = ComputePool.create(2)) {
            for (int round = 0; round < 5; round++) {
                AtomicInteger running = new AtomicInteger();
                var e = assertThrows(ArithmeticException.class, () -> pool.parallelFor(2, 1, (from, to) -> {
                    running.incrementAndGet();
                    try {
                        if (from == 0) throw new ArithmeticException("first range");
                        Thread.sleep(30); // the other range is still busy when the first one fails
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                }));
                assertEquals("first range", e.getMessage());
                assertEquals(0, running.get(), "parallelFor returned while a range was still running");
            }
            assertCoversOnce(pool, 64, 1);
        }
    }

    @Test
    void errorsFromEveryRangeAreKept() {
        try (ComputePool pool = ComputePool.create(2)) {
            CountDownLatch both = new CountDownLatch(2);
            var e = assertThrows(RuntimeException.class, () -> pool.parallelFor(2, 1, (from, to) -> {
                both.countDown();
                try {
                    both.await(10, TimeUnit.SECONDS); // both ranges are running before either throws
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw new RuntimeException("range " + from);
            }));
            assertEquals(1, e.getSuppressed().length, "the other range's exception is attached");
        }
    }

    @Test
    void manySmallCallsInARow() {
        try (ComputePool pool = ComputePool.create(2)) {
            long[] sums = new long[2];
            for (int call = 0; call < 20_000; call++) {
                AtomicInteger sum = new AtomicInteger();
                pool.parallelFor(32, 1, (from, to) -> sum.addAndGet(to - from));
                sums[0] += sum.get();
                sums[1] += 32;
            }
            assertEquals(sums[1], sums[0]);
        }
    }

    /** The call bookkeeping is reused; calls of changing sizes back to back must each cover their range exactly. */
    @Test
    void backToBackCallsOfChangingShapes() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int threads : new int[] {2, 3}) {
            try (ComputePool pool = ComputePool.create(threads)) {
                for (int call = 0; call < 3000; call++) assertCoversOnce(pool, 1 + rnd.nextInt(300), 1 + rnd.nextInt(20));
            }
        }
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicInteger inner = new AtomicInteger();
            pool.parallelFor(4, 1, (from, to) -> pool.parallelFor(10, 1, (a, b) -> inner.addAndGet(b - a)));
            assertEquals(40, inner.get());

            AtomicInteger total = new AtomicInteger();
            Thread[] callers = new Thread[3];
            for (int i = 0; i < callers.length; i++) {
                callers[i] = Thread.ofPlatform().start(() -> {
                    for (int r = 0; r < 2000; r++) pool.parallelFor(16, 1, (a, b) -> total.addAndGet(b - a));
                });
            }
            for (Thread t : callers) t.join();
            assertEquals(3 * 2000 * 16, total.get());
        }
    }

    @Test
    void closedPoolRefusesWorkAndSerialPoolRunsInline() {
        ComputePool pool = ComputePool.create(2);
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.parallelFor(10, 1, (a, b) -> {}));

        ComputePool serial = ComputePool.serial();
        assertSame(serial, ComputePool.create(1));
        Thread me = Thread.currentThread();
        serial.parallelFor(10, 1, (a, b) -> {
            assertSame(me, Thread.currentThread());
            assertEquals(0, a);
            assertEquals(10, b);
        });
        serial.close(); // the shared serial pool ignores close
        assertCoversOnce(serial, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> ComputePool.create(0));
    }
}
