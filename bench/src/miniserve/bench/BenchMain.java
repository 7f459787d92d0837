package miniserve.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import miniserve.serving.JvmFlags;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the JMH benchmarks of bench/ and prints one readable table, with GFLOP/s for the
 * matrix products and, with {@code --openblas}, the machine's OpenBLAS SGEMM beside them.
 */
@Command(name = "miniserve bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the kernel benchmarks (JMH) and prints a table: median time per call and GFLOP/s (2·M·K·N / time).",
            "Each configuration runs in its own JVM (one JMH fork); the machine should be otherwise idle."})
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--quick", description = "A quick subset (a few minutes) instead of the full set (about 40 minutes).")
    boolean quick;

    @Option(names = "--openblas", description = "Also measure OpenBLAS SGEMM on the same shapes (bench/openblas_sgemm.py with Debian's python3-numpy) and print the ratio.")
    boolean openblas;

    @Option(names = "--suites", split = ",", paramLabel = "SUITE",
            description = "Which suites to run, comma-separated: matmul, packed, scalar, streamed, packed-streamed, lmhead, lmhead-packed, pool, forward, "
                    + "decode (default: all).")
    List<String> suites = List.of("matmul", "packed", "scalar", "streamed", "packed-streamed", "lmhead", "lmhead-packed", "pool", "forward", "decode");

    @Option(names = "--threads", split = ",", paramLabel = "N", description = "Pool sizes to measure (default: 1,2).")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--iterations", paramLabel = "N", description = "Measured iterations per configuration (default: 5; the table shows their median).")
    int iterations = 5;

    @Option(names = "--iteration-ms", paramLabel = "MS", description = "Length of one iteration (default: 300 with --quick, else 1000).")
    Integer iterationMs;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV.")
    Path csv;

    @Option(names = "--jvm-arg", paramLabel = "FLAG",
            description = "An extra flag for the benchmark JVMs (repeatable), e.g. --jvm-arg=-XX:UseAVX=2 to measure the 256-bit (AVX2) kernels on an AVX-512 machine.")
    List<String> jvmArgs = new ArrayList<>();

    private static final List<String> SUITE_ORDER = List.of("matmul", "packed", "scalar", "streamed", "packed-streamed", "lmhead", "lmhead-packed", "pool", "forward", "decode");
    private static final Set<String> SUITES = Set.copyOf(SUITE_ORDER);

    /** One table row. */
    record Row(String suite, int m, int k, int n, int threads, Statistics micros) {
        double flops() {
            return 2.0 * m * k * n;
        }

        double gflops(double us) {
            return flops() / (us * 1e3);
        }
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("miniserve bench: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String s : suites) {
            if (!SUITES.contains(s)) throw new IllegalArgumentException("unknown suite '" + s + "'; choose from " + SUITES);
        }
        for (int t : threads) {
            if (t < 1) throw new IllegalArgumentException("--threads must be positive, got " + t);
        }
        if (iterations < 1) throw new IllegalArgumentException("--iterations must be positive");
        String threadList = threads.stream().map(String::valueOf).collect(Collectors.joining(","));
        String loadBefore = loadAverage();

        List<Row> rows = new ArrayList<>();
        String[] gpt2 = {"768x2304", "768x768", "768x3072", "3072x768"};
        String[] tutor = {"256x768", "256x256", "256x1024", "1024x256"};
        if (suites.contains("matmul")) {
            String[] ms = quick ? new String[] {"1", "8", "64"} : new String[] {"1", "8", "32", "64"};
            String[] kn = quick ? new String[] {"768x3072", "3072x768", "256x1024"} : concat(gpt2, tutor);
            rows.addAll(run("matmul", "MatmulBench.vector", Map.of("M", ms, "KxN", kn, "threads", split(threadList))));
        }
        if (suites.contains("packed")) {
            String[] ms = quick ? new String[] {"1", "8", "64"} : new String[] {"1", "8", "32", "64"};
            String[] kn = quick ? new String[] {"768x3072", "3072x768", "256x1024"} : concat(gpt2, tutor);
            rows.addAll(run("packed", "MatmulBench.packed", Map.of("M", ms, "KxN", kn, "threads", split(threadList))));
        }
        if (suites.contains("scalar")) {
            String[] ms = quick ? new String[] {"8", "64"} : new String[] {"1", "8", "32", "64"};
            String[] kn = quick ? new String[] {"768x3072"} : concat(gpt2, tutor);
            rows.addAll(run("scalar", "MatmulBench.scalar", Map.of("M", ms, "KxN", kn)));
        }
        if (suites.contains("streamed")) {
            String[] ms = quick ? new String[] {"1", "8"} : new String[] {"1", "8", "32"};
            String[] kn = quick ? new String[] {"768x3072"} : gpt2;
            rows.addAll(run("streamed", "MatmulBench.vectorStreamed", Map.of("M", ms, "KxN", kn, "threads", split(threadList))));
        }
        if (suites.contains("packed-streamed")) {
            String[] ms = quick ? new String[] {"1", "8"} : new String[] {"1", "8", "32"};
            String[] kn = quick ? new String[] {"768x3072"} : gpt2;
            rows.addAll(run("packed-streamed", "MatmulBench.packedStreamed", Map.of("M", ms, "KxN", kn, "threads", split(threadList))));
        }
        for (String suite : List.of("lmhead", "lmhead-packed")) {
            if (!suites.contains(suite)) continue;
            String[] ms = quick ? new String[] {"1", "64"} : new String[] {"1", "8", "64"};
            String[] kn = quick ? new String[] {"768x50257"} : new String[] {"768x50257", "256x3072"};
            String method = suite.equals("lmhead") ? "LmHeadBench.vector" : "LmHeadBench.packed";
            rows.addAll(run(suite, method, Map.of("M", ms, "KxN", kn, "threads", split(threadList))));
        }
        if (suites.contains("pool")) {
            rows.addAll(run("pool", "PoolBench.handoff", Map.of("threads", split(threadList))));
        }
        if (suites.contains("forward")) {
            rows.addAll(run("forward", "ModelBench.forward", Map.of("threads", split(threadList))));
        }
        if (suites.contains("decode")) {
            String[] bs = quick ? new String[] {"1", "8"} : new String[] {"1", "8", "32"};
            rows.addAll(run("decode", "ModelBench.decodeStep", Map.of("B", bs, "threads", split(threadList))));
        }
        String loadAfter = loadAverage();
        // Group each suite by shape (in the order listed above), then M, then threads.
        List<String> shapeOrder = List.of(concat(concat(gpt2, tutor), new String[] {"768x50257", "256x3072"}));
        rows.sort(java.util.Comparator.comparingInt((Row r) -> SUITE_ORDER.indexOf(r.suite()))
                .thenComparingInt(r -> shapeOrder.indexOf(r.k() + "x" + r.n()))
                .thenComparingInt(Row::m)
                .thenComparingInt(Row::threads));

        Map<String, Double> blas = openblas ? openBlas(rows) : Map.of();
        print(rows, blas, loadBefore, loadAfter);
        if (csv != null) writeCsv(rows, blas);
        return 0;
    }

    private List<Row> run(String suite, String benchmark, Map<String, String[]> params) throws RunnerException {
        int ms = iterationMs != null ? iterationMs : quick ? 300 : 1000;
        System.err.printf(Locale.ROOT, "miniserve bench: running %s (%s) ...%n", suite, benchmark);
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include("miniserve\\.bench\\." + benchmark.replace(".", "\\.") + "$")
                .forks(1)
                .warmupIterations(quick ? 3 : 4)
                .warmupTime(TimeValue.milliseconds(ms))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(ms))
                .timeUnit(TimeUnit.MICROSECONDS)
                .jvmArgsAppend(jvmFlags())
                .verbosity(VerboseMode.SILENT);
        params.forEach(opt::param);
        Collection<RunResult> results = new Runner(opt.build()).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            var p = r.getParams();
            int m = 0, k = 0, n = 0;
            if (p.getParam("M") != null) {
                m = Integer.parseInt(p.getParam("M"));
                String[] kn = p.getParam("KxN").split("x");
                k = Integer.parseInt(kn[0]);
                n = Integer.parseInt(kn[1]);
            }
            if (p.getParam("B") != null) m = Integer.parseInt(p.getParam("B"));
            if (suite.equals("forward")) m = ModelBench.Forward.B;
            int t = p.getParam("threads") == null ? 1 : Integer.parseInt(p.getParam("threads"));
            rows.add(new Row(suite, m, k, n, t, r.getPrimaryResult().getStatistics()));
        }
        return rows;
    }

    private String[] jvmFlags() {
        List<String> flags = new ArrayList<>(JvmFlags.ALL);
        flags.add("-Xmx4g");
        flags.addAll(jvmArgs);
        return flags.toArray(String[]::new);
    }

    private void print(List<Row> rows, Map<String, Double> blas, String loadBefore, String loadAfter) {
        System.out.println();
        System.out.println("miniserve kernel benchmarks — " + machine());
        System.out.println("load average (1, 5, 15 min) before: " + loadBefore + "   after: " + loadAfter
                + "   (a 1-min load above ~0.5 means other work shared the cores)");
        System.out.printf(Locale.ROOT, "median of %d iterations; GFLOP/s = 2·M·K·N / time; min–max over the iterations%n", iterations);
        if (!jvmArgs.isEmpty()) System.out.println("benchmark JVM flags: " + String.join(" ", jvmArgs));
        String lastSuite = "";
        for (Row r : rows) {
            if (!r.suite().equals(lastSuite)) {
                lastSuite = r.suite();
                System.out.println();
                System.out.println(title(lastSuite));
                if (lastSuite.equals("pool")) {
                    System.out.println("threads   ns/call  (min–max)");
                } else if (lastSuite.equals("forward")) {
                    System.out.printf(Locale.ROOT, "    B     T  thr    ms/forward   GFLOP/s  (min–max)     (%.1f GFLOP per forward)%n", forwardFlops() / 1e9);
                } else if (lastSuite.equals("decode")) {
                    System.out.println("    B  thr       ms/step   tokens/s  (min–max)");
                } else {
                    System.out.println("    M     K      N  thr      µs/call   GFLOP/s  (min–max)     " + (blas.isEmpty() ? "" : "OpenBLAS   ratio"));
                }
            }
            Statistics s = r.micros();
            if (r.suite().equals("pool")) {
                System.out.printf(Locale.ROOT, "%7d  %8.0f  (%.0f–%.0f)%n", r.threads(), s.getPercentile(50) * 1e3, s.getMin() * 1e3, s.getMax() * 1e3);
                continue;
            }
            if (r.suite().equals("forward")) {
                double f = forwardFlops();
                System.out.printf(Locale.ROOT, "%5d %5d  %3d  %12.1f  %8.1f  (%.1f–%.1f)%n", r.m(), ModelBench.Forward.T, r.threads(),
                        s.getPercentile(50) / 1e3, f / (s.getPercentile(50) * 1e3), f / (s.getMax() * 1e3), f / (s.getMin() * 1e3));
                continue;
            }
            if (r.suite().equals("decode")) {
                System.out.printf(Locale.ROOT, "%5d  %3d  %12.2f  %9.1f  (%.1f–%.1f)%n", r.m(), r.threads(), s.getPercentile(50) / 1e3,
                        r.m() * 1e6 / s.getPercentile(50), r.m() * 1e6 / s.getMax(), r.m() * 1e6 / s.getMin());
                continue;
            }
            double g = r.gflops(s.getPercentile(50));
            String line = String.format(Locale.ROOT, "%5d %5d %6d  %3d  %11.1f  %8.1f  (%.1f–%.1f)",
                    r.m(), r.k(), r.n(), r.threads(), s.getPercentile(50), g, r.gflops(s.getMax()), r.gflops(s.getMin()));
            Double b = blas.get(blasKey(r));
            if (b != null) line = String.format(Locale.ROOT, "%-64s %8.1f  %5.2f×", line, b, g / b);
            System.out.println(line);
        }
        if (!blas.isEmpty()) {
            System.out.println();
            System.out.println("OpenBLAS: numpy.matmul on float32 (" + libraryName + "), median of 7 samples;"
                    + " ratio = miniserve / OpenBLAS at the same thread count.");
        }
    }

    private static String title(String suite) {
        return switch (suite) {
            case "matmul" -> "matmul  out[M,N] = x[M,K]·w[K,N] + b, vector kernel (w reused: it stays in cache)";
            case "packed" -> "matmul with w packed in panels (PackedMatrix, the model's layout), vector kernel, w in cache";
            case "scalar" -> "matmul, scalar twin (one thread)";
            case "streamed" -> "matmul, vector kernel, w read from memory every call (copies cycled past the L3)";
            case "packed-streamed" -> "matmul with w packed in panels, read from memory every call";
            case "lmhead" -> "LM head  out[M,N] = x[M,K]·w[N,K]ᵀ (matmulTransposedB, dot-product tiles)";
            case "lmhead-packed" -> "LM head  out[M,N] = x[M,K]·w[N,K]ᵀ with w packed transposed (the model's)";
            case "pool" -> "ComputePool.parallelFor hand-off, near-empty task";
            case "forward" -> "GPT-2-small forward (random weights), logits at every position; GFLOP = 2·B·T·(12·L·C² + V·C)";
            case "decode" -> "GPT-2-small decode step (random weights), one token per row, KV cache of 16..127 slots";
            default -> suite;
        };
    }

    private static String blasKey(Row r) {
        String kind = r.suite().startsWith("lmhead") ? "sgemm_tb" : "sgemm";
        return kind + " " + r.m() + " " + r.k() + " " + r.n() + " " + r.threads();
    }

    /** Runs bench/openblas_sgemm.py for the rows' shapes and thread counts; key → GFLOP/s. */
    private Map<String, Double> openBlas(List<Row> rows) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("miniserve.root", ".")).resolve("bench/openblas_sgemm.py");
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) throw new IllegalStateException("--openblas needs Debian's /usr/bin/python3 with python3-numpy");
        Set<String> shapes = new LinkedHashSet<>(), tbShapes = new LinkedHashSet<>();
        for (Row r : rows) {
            if (List.of("matmul", "packed", "streamed", "packed-streamed").contains(r.suite())) shapes.add(r.m() + "," + r.k() + "," + r.n());
            if (r.suite().startsWith("lmhead")) tbShapes.add(r.m() + "," + r.k() + "," + r.n());
        }
        if (shapes.isEmpty() && tbShapes.isEmpty()) return Map.of();
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(),
                "--threads", threads.stream().map(String::valueOf).collect(Collectors.joining(","))));
        for (String s : shapes) cmd.addAll(List.of("--shape", s));
        for (String s : tbShapes) cmd.addAll(List.of("--tb-shape", s));
        System.err.println("miniserve bench: running OpenBLAS (" + script + ") ...");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Process proc = pb.start();
        Map<String, Double> out = new HashMap<>();
        String library = "?";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t");
                if (f.length < 7) continue;
                out.put(f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " " + f[4], Double.parseDouble(f[5]));
                library = f[6];
            }
        }
        if (proc.waitFor() != 0) throw new IllegalStateException("bench/openblas_sgemm.py failed (exit " + proc.exitValue() + ")");
        libraryName = library;
        return out;
    }

    /** The BLAS library the OpenBLAS script found numpy using. */
    private String libraryName = "";

    private void writeCsv(List<Row> rows, Map<String, Double> blas) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            w.println("suite,M,K,N,threads,median_us,min_us,max_us,gflops,openblas_gflops");
            for (Row r : rows) {
                Statistics s = r.micros();
                Double b = blas.get(blasKey(r));
                w.printf(Locale.ROOT, "%s,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.2f,%s%n", r.suite(), r.m(), r.k(), r.n(), r.threads(),
                        s.getPercentile(50), s.getMin(), s.getMax(), r.m() == 0 ? 0.0 : r.gflops(s.getPercentile(50)),
                        b == null ? "" : String.format(Locale.ROOT, "%.2f", b));
            }
        }
    }

    private static double forwardFlops() {
        return ModelBench.forwardFlops(miniserve.model.GptConfig.gpt2Small(), ModelBench.Forward.B * ModelBench.Forward.T);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux: leave it unknown
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version().feature()
                + ", " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String[] split(String list) {
        return list.split(",");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
