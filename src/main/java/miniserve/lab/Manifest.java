package miniserve.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.TextNode;
import miniserve.loadtest.Workload;
import miniserve.serving.JvmFlags;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code manifest.json}: what a sweep needs to be understood and repeated (machine, JDK, code version,
 * model, workload, load, server settings, timings). Written by Jackson with snake_case names
 * ({@code durationS} becomes {@code duration_s}); the environment's fields sit at the top level.
 *
 * @param timeBudgetS the full sweep's time budget; null for a quick run
 */
public record Manifest(String lab, String date, String started, String finished, double durationS, boolean quick,
                       Long timeBudgetS, Git git, @JsonUnwrapped Environment environment, List<Double> loadAverageAtEnd,
                       Model model, WorkloadInfo workload, Load load, Server server, int repetitions,
                       List<Configuration> configurations, List<Timing> timings, List<String> outputs,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer stretchPairs,
                       @JsonInclude(JsonInclude.Include.NON_NULL) RateSweep rateSweep) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** The manifest of a finished sweep. */
    public static Manifest of(SweepResult r) {
        LabSettings s = r.settings();
        Double equalLoadRate = r.configs().stream().filter(c -> c.config().unbatched() && c.hasEqualLoad())
                .map(c -> c.equalLoad(RunResult::offeredRate)).findFirst().orElse(null);
        Load load = new Load("closed", s.concurrency(), s.total(), s.warmup(), s.requestTimeout().toMillis(),
                "java.net.http.HttpClient, HTTP/1.1, one virtual thread per client",
                new EqualLoad("open, Poisson arrivals, latency from each request's scheduled arrival", s.equalLoadFraction(),
                        s.equalLoadDuration().toMillis() / 1000.0, equalLoadRate));
        List<String> jvmFlags = new ArrayList<>(JvmFlags.ALL);
        jvmFlags.addAll(s.serverJavaOptions());
        Server server = new Server(s.maxTokens(), s.stopRule().flag(), s.threads(), s.modelThreads(), jvmFlags, true,
                "in rounds: repetition r of every configuration (the baseline first) before repetition r+1 of any, "
                        + "so that slow drifts of the shared machine reach every configuration alike");
        List<Configuration> configurations = s.configs().stream().map(c -> new Configuration(c.label(), c.mode().flag(),
                c.unbatched() ? null : c.maxBatch(), c.unbatched() || c.kind() == ServerConfig.Kind.CONTINUOUS ? null : c.maxWaitMs(),
                s.lab() == 3 ? c.scheduling() : null)).toList();
        LabSettings.RateSweep rs = s.rateSweep();
        RateSweep rateSweep = rs == null ? null : new RateSweep(rs.maxBatch(), rs.fractions(), rs.duration().toMillis() / 1000.0,
                rs.warmup(), rs.sloMillis(), Lab03Outputs.staticSaturation(r),
                "open, Poisson arrivals, latency from each request's scheduled arrival; rates = fractions x the median closed-loop "
                        + "throughput of static batching (fixed max_tokens) at max_batch " + rs.maxBatch()
                        + "; every scheduler on a fresh, warmed-up server per rate");
        return new Manifest(s.lab() == 3 ? "phase-33-lab-03 continuous batching" : "phase-33-lab-02 static batching",
                r.started().atZone(ZoneId.systemDefault()).toLocalDate().toString(),
                r.started().toString(), r.finished().toString(), Duration.between(r.started(), r.finished()).toMillis() / 1000.0,
                s.quick(), s.quick() ? null : LabOutputs.FULL_SWEEP_BUDGET.toSeconds(), r.git(), r.environment(), loadAverage(),
                r.model(), r.workload(), load, server, s.repetitions(), configurations, r.timings(), LabOutputs.outputs(r),
                s.lab() == 2 && s.stretchPairs() > 0 ? s.stretchPairs() : null, rateSweep);
    }

    public void write(Path file) {
        writeJson(this, file);
    }

    /** A record as pretty-printed JSON with snake_case names (the lab's files). */
    static void writeJson(Object value, Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The commit checked out, whether the tree differs from it (null if unknown), and which paths do (null if unknown). */
    public record Git(String commit, Boolean dirty, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> dirtyPaths) {

        /** The state of the repository at {@code dir}. */
        public static Git of(Path dir) {
            String commit = run(dir, "git", "rev-parse", "HEAD");
            String status = run(dir, "git", "status", "--porcelain");
            String head = commit == null ? "unknown" : commit.strip();
            if (status == null) return new Git(head, null, null);
            List<String> paths = status.lines().filter(l -> !l.isBlank()).map(l -> l.length() > 3 ? l.substring(3) : l).toList();
            return new Git(head, !paths.isEmpty(), paths.size() > 50 ? paths.subList(0, 50) : paths);
        }
    }

    /** The machine and the lab's own JVM. */
    public record Environment(Jdk jdk, Os os, Cpu cpu, Long memoryBytes, List<Double> loadAverageAtStart, List<String> labJvmArgs) {

        /** This machine, now. */
        public static Environment capture() {
            return new Environment(
                    new Jdk(System.getProperty("java.version"), System.getProperty("java.runtime.version"),
                            System.getProperty("java.vendor"), System.getProperty("java.vm.name"), System.getProperty("java.home")),
                    new Os(System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch")),
                    new Cpu(cpuModel(), Runtime.getRuntime().availableProcessors()),
                    totalMemory(), loadAverage(), ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
    }

    public record Jdk(String version, String runtime, String vendor, String vm, String home) {}

    public record Os(String name, String version, String arch) {}

    public record Cpu(String model, int cores) {}

    /**
     * The model's {@code config.json} as it is (null if there is none, a text if it cannot be read) and the
     * size and SHA-256 of every file of its directory.
     */
    public record Model(String weightsDir, JsonNode config, List<ModelFile> files) {

        public static Model of(Path weightsDir) {
            Path configFile = weightsDir.resolve("config.json");
            JsonNode config;
            try {
                config = Files.isRegularFile(configFile) ? JSON.readTree(configFile.toFile()) : null;
            } catch (IOException e) {
                config = TextNode.valueOf("unreadable: " + e.getMessage());
            }
            List<ModelFile> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(weightsDir)) {
                for (Path f : list.filter(Files::isRegularFile).sorted().toList())
                    files.add(new ModelFile(f.getFileName().toString(), Files.size(f), sha256(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + weightsDir, e);
            }
            return new Model(weightsDir.toString(), config, files);
        }
    }

    public record ModelFile(String name, long bytes, String sha256) {}

    /**
     * The sentences the load was drawn from.
     *
     * @param tokensPerSentence null when the weights directory has no tokenizer
     * @param draw              how every run draws its requests from them
     */
    public record WorkloadInfo(String file, String sha256, int sentences, int maxWords, int skippedLonger,
                               int skippedTooLongForModel, long seed, WorkloadTokens tokensPerSentence, String draw) {

        public static WorkloadInfo of(Workload w, long seed, WorkloadTokens tokens, int requestsPerRun) {
            return new WorkloadInfo(w.file() == null ? null : w.file().toString(), w.file() == null ? null : Manifest.sha256(w.file()),
                    w.size(), w.maxWords(), w.skipped(), w.tooLongForModel(), seed, tokens,
                    "the same " + requestsPerRun + " requests in every run: the file's sentences in a seeded order, learner ids seeded");
        }
    }

    /** The load generator's settings. */
    public record Load(String loop, int concurrency, int totalPerRun, int warmupPerServer, long requestTimeoutMs, String client,
                       EqualLoad equalLoad) {}

    /** @param rateRps the open loop's arrival rate, set by the baseline's first run; null without equal-load runs */
    public record EqualLoad(String loop, double fractionOfBaselineThroughput, double durationS, Double rateRps) {}

    /** What every server of the sweep ran with. */
    public record Server(int maxTokens, String stopRule, int threads, int modelThreadsBatched, List<String> jvmFlags,
                         boolean oneFreshProcessPerRepetition, String order) {}

    /**
     * Lab 03's open-loop rate sweep.
     *
     * @param staticThroughputRps the closed-loop throughput the fractions multiply (null if it was not measured)
     */
    public record RateSweep(int maxBatch, List<Double> fractions, double durationS, int warmupPerServer, double sloMs,
                            Double staticThroughputRps, String loop) {}

    /** One configuration; the unbatched baseline has no max_batch or max_wait_ms. */
    public record Configuration(String label, String mode, Integer maxBatch, Integer maxWaitMs,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String scheduler) {}

    /**
     * How long one server process took at each stage, in seconds.
     *
     * @param equalLoadWallS the equal-load run; left out of the JSON when there was none
     */
    public record Timing(String config, int repetition, double serverStartS, double healthWaitS, double warmupS, double runWallS,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Double equalLoadWallS, double totalS) {}

    static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            try (Stream<String> lines = Files.lines(info)) {
                return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst().orElse("unknown");
            } catch (IOException | UncheckedIOException ignored) {
                // fall through
            }
        }
        return "unknown";
    }

    /**
     * The 1, 5 and 15-minute load averages from {@code /proc/loadavg}, or null elsewhere. Other work on
     * the machine competes with the server for its cores, so a busy machine makes every figure noisier.
     */
    public static List<Double> loadAverage() {
        Path f = Path.of("/proc/loadavg");
        if (!Files.isReadable(f)) return null;
        try {
            String[] parts = Files.readString(f).strip().split("\\s+");
            return List.of(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Long totalMemory() {
        Path info = Path.of("/proc/meminfo");
        if (Files.isReadable(info)) {
            try (Stream<String> lines = Files.lines(info)) {
                return lines.filter(l -> l.startsWith("MemTotal:"))
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(null);
            } catch (IOException | UncheckedIOException | NumberFormatException ignored) {
                // fall through
            }
        }
        return null;
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
