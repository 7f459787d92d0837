package miniserve.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What a run needs to be understood and repeated: machine, JDK, code version, model, workload. */
public final class Manifest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {}

    /** JDK, OS, CPU model and cores, memory. */
    public static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> jdk = new LinkedHashMap<>();
        jdk.put("version", System.getProperty("java.version"));
        jdk.put("runtime", System.getProperty("java.runtime.version"));
        jdk.put("vendor", System.getProperty("java.vendor"));
        jdk.put("vm", System.getProperty("java.vm.name"));
        jdk.put("home", System.getProperty("java.home"));
        m.put("jdk", jdk);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        m.put("os", os);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("model", cpuModel());
        cpu.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpu);
        m.put("memory_bytes", totalMemory());
        m.put("load_average_at_start", loadAverage());
        m.put("lab_jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return m;
    }

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

    private static Object totalMemory() {
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

    /** The commit checked out in {@code dir}, whether the tree differs from it, and which paths do. */
    public static Map<String, Object> git(Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        String commit = run(dir, "git", "rev-parse", "HEAD");
        m.put("commit", commit == null ? "unknown" : commit.strip());
        String status = run(dir, "git", "status", "--porcelain");
        if (status == null) {
            m.put("dirty", null);
        } else {
            List<String> paths = status.lines().filter(l -> !l.isBlank()).map(l -> l.length() > 3 ? l.substring(3) : l).toList();
            m.put("dirty", !paths.isEmpty());
            m.put("dirty_paths", paths.size() > 50 ? paths.subList(0, 50) : paths);
        }
        return m;
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

    /** The model's {@code config.json} and the size and SHA-256 of every file of the weights directory. */
    public static Map<String, Object> model(Path weightsDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("weights_dir", weightsDir.toString());
        Path config = weightsDir.resolve("config.json");
        try {
            m.put("config", Files.isRegularFile(config) ? JSON.readValue(config.toFile(), JsonNode.class) : null);
        } catch (IOException e) {
            m.put("config", "unreadable: " + e.getMessage());
        }
        List<Map<String, Object>> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(weightsDir)) {
            for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", f.getFileName().toString());
                e.put("bytes", Files.size(f));
                e.put("sha256", sha256(f));
                files.add(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + weightsDir, e);
        }
        m.put("files", files);
        return m;
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

    public static void write(Path file, Map<String, Object> manifest) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
