package miniserve.model;

import miniserve.serving.JvmFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same input gives the same logits (and training gradients), to the bit, whether the kernels run interpreted, compiled
 * by C1 or compiled by C2: a cold {@code ./miniserve correct} and a warm server agree on every
 * near-tie. Three fresh JVMs run {@link LogitsProbe}: one interpreted only ({@code -Xint}), one
 * that stops at C1, and one that repeats the computation until C2 has compiled the kernels
 * ({@code -Xbatch}: compiles finish before the run goes on, so the pass count decides, not the
 * machine's load) and reports its first (cold) and last (warm) result.
 */
class ColdWarmLogitsTest {

    /** Enough passes for C2 to compile every kernel the probe calls (about 100 are needed; 6 s here). */
    private static final int WARM_PASSES = 300;
    /** Kernels the warm JVM must have compiled with C2, or the comparison proves nothing. */
    private static final List<String> C2_COMPILED = List.of(
            "miniserve.kernels.Softmax::softmax", "miniserve.kernels.Gelu::forwardRange", "miniserve.kernels.LayerNorm::forwardRows",
            "miniserve.kernels.Attention::forwardPairs", "miniserve.kernels.Matmul::dot4x4", "miniserve.kernels.Matmul::wide8x3",
            "miniserve.kernels.Matmul::weightGradRange");

    @Test
    void interpretedC1AndC2ComputeTheSameBits(@TempDir Path dir) throws Exception {
        Path interpreted = dir.resolve("interpreted.bin"), c1 = dir.resolve("c1.bin");
        Path cold = dir.resolve("cold.bin"), warm = dir.resolve("warm.bin");
        probe(dir, List.of("-Xint"), 1, interpreted, interpreted);
        probe(dir, List.of("-XX:TieredStopAtLevel=1"), 1, c1, c1);
        String compilations = probe(dir, List.of("-Xbatch", "-XX:+PrintCompilation"), WARM_PASSES, cold, warm);

        for (String kernel : C2_COMPILED) {
            assertThat(compilations.lines().anyMatch(l -> l.contains(kernel + " ") && isTier4(l)))
                    .as("the warm JVM compiled %s with C2", kernel).isTrue();
        }
        float[] reference = read(interpreted);
        assertSameBits("C1", read(c1), reference);
        assertSameBits("the warm JVM's first pass", read(cold), reference);
        assertSameBits("the warm JVM's last pass (C2)", read(warm), reference);
    }

    /** A PrintCompilation line of a tier-4 (C2) compile: "  1235  835    b  4       pkg.Class::method (1295 bytes)". */
    private static boolean isTier4(String line) {
        String[] f = line.trim().split("\\s+");
        for (int i = 2; i < f.length && !f[i].contains("::"); i++) if (f[i].equals("4")) return true;
        return false;
    }

    /** Runs the probe in a fresh JVM with these flags; returns its standard output. */
    private static String probe(Path dir, List<String> flags, int passes, Path first, Path last) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.ALL);
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LogitsProbe.class.getName(),
                Integer.toString(passes), first.toString(), last.toString()));
        Path stdout = dir.resolve("stdout.txt"), stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe with " + flags + " did not finish within 120 s");
        }
        assertThat(p.exitValue()).as("exit of the probe with %s; stderr:%n%s", flags, Files.readString(stderr)).isZero();
        return Files.readString(stdout);
    }

    private static float[] read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            float[] a = new float[in.readInt()];
            for (int i = 0; i < a.length; i++) a[i] = Float.intBitsToFloat(in.readInt());
            return a;
        }
    }

    private static void assertSameBits(String what, float[] actual, float[] interpreted) {
        assertThat(actual.length).as(what + ": values").isEqualTo(interpreted.length);
        int differ = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) == Float.floatToRawIntBits(interpreted[i])) continue;
            if (differ++ == 0) first = i;
            worst = Math.max(worst, Math.abs((double) actual[i] - interpreted[i]));
        }
        assertThat(differ).as("%s differs from the interpreter's in %d of %d values (first at %d, largest difference %.3g)",
                what, differ, actual.length, first, worst).isZero();
    }
}
