package miniserve.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import miniserve.kernels.ComputePool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The cost of one {@link ComputePool#parallelFor} hand-off with (almost) no work: what a decode step pays ~100 times. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class PoolBench {
    @Param({"1", "2"})
    public int threads;

    ComputePool pool;
    final AtomicInteger sink = new AtomicInteger();
    final ComputePool.RangeTask touch = (from, to) -> sink.addAndGet(to - from);

    @Setup(Level.Trial)
    public void start() {
        pool = ComputePool.create(threads);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pool.close();
    }

    @Benchmark
    public int handoff() {
        pool.parallelFor(threads * 64, 1, touch);
        return sink.get();
    }
}
