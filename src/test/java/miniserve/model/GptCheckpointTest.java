package miniserve.model;

import miniserve.model.CraftedSafetensors.Raw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static miniserve.model.CraftedSafetensors.f32;
import static miniserve.model.CraftedSafetensors.safetensors;
import static miniserve.model.CraftedSafetensors.u16;
import static miniserve.model.CraftedSafetensors.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading and writing checkpoints: exact round trips, dtype conversion, names, and every kind of bad file. */
class GptCheckpointTest {

    @TempDir
    Path tmp;

    private static final GptConfig CFG = TestModels.TINY;

    private static long[] shape(int[] s) {
        return Arrays.stream(s).asLongStream().toArray();
    }

    /** Every tensor of {@code w} as F32 under {@code prefix}. */
    private static Map<String, Raw> f32Tensors(GptWeights w, String prefix) {
        Map<String, Raw> m = new LinkedHashMap<>();
        for (GptWeights.Tensor t : w.tensors().values()) m.put(prefix + t.name(), new Raw("F32", shape(t.shape()), f32(t.data())));
        return m;
    }

    private Path checkpoint(String name, GptConfig cfg, Map<String, Raw> tensors) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), GptCheckpoint.configJson(cfg).toString());
        Files.write(dir.resolve("model.safetensors"), safetensors(tensors));
        return dir;
    }

    private static void assertSameTensors(GptWeights got, GptWeights want) {
        assertThat(got.config).isEqualTo(want.config);
        Map<String, GptWeights.Tensor> g = got.tensors();
        for (GptWeights.Tensor t : want.tensors().values()) {
            float[] a = g.get(t.name()).data(), b = t.data();
            assertThat(a.length).as(t.name()).isEqualTo(b.length);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]))
                    throw new AssertionError(t.name() + "[" + i + "]: read " + a[i] + ", wrote " + b[i]);
            }
        }
    }

    @Test
    void gpt2SmallShapedCheckpointRoundTripsEveryTensorBitForBit() throws IOException {
        GptConfig small = GptConfig.gpt2Small();
        GptWeights w = new GptWeights(small);
        SplittableRandom rnd = new SplittableRandom(11);
        for (GptWeights.Tensor t : w.tensors().values()) {
            float[] d = t.data();
            // Full-precision values over many binades (not just ones a narrower format could hold).
            for (int i = 0; i < d.length; i++) d[i] = (float) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(-20, 20)));
        }
        float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 1e-38f, 3.4e38f};
        System.arraycopy(specials, 0, w.wte, 0, specials.length);
        System.arraycopy(specials, 0, w.lnFB, w.lnFB.length - specials.length, specials.length);

        Path dir = tmp.resolve("gpt2-small");
        GptCheckpoint.save(dir, w);
        // The file is exactly header + 4 bytes per parameter: nothing else written.
        long size = Files.size(dir.resolve("model.safetensors"));
        long headerLen;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "r")) {
            headerLen = Long.reverseBytes(f.readLong());
        }
        assertThat(headerLen % 8).isZero();
        assertThat(size).isEqualTo(8 + headerLen + 4 * small.parameterCount());
        assertThat(GptCheckpoint.readConfig(dir)).isEqualTo(small);

        GptWeights back = GptCheckpoint.load(dir);
        assertSameTensors(back, w);
    }

    @Test
    void savedFilesFollowTheHuggingFaceLayout() throws IOException {
        GptWeights w = TestModels.random(CFG, 3);
        Path dir = tmp.resolve("hf");
        GptCheckpoint.save(dir, w);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(json.get("model_type").asText()).isEqualTo("gpt2");
        assertThat(json.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
        assertThat(json.get("activation_function").asText()).isEqualTo("gelu_new");
        assertThat(json.get("n_embd").asInt()).isEqualTo(48);
        assertThat(json.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5);
        try (Safetensors st = Safetensors.open(dir.resolve("model.safetensors"))) {
            assertThat(st.metadata()).containsEntry("format", "pt");
            assertThat(st.entries().keySet()).containsExactlyElementsOf(w.tensors().keySet());
            // Data offsets tile the data section with no gaps, in header order.
            long end = 0;
            for (Safetensors.Entry e : st.entries().values()) {
                assertThat(e.begin()).isEqualTo(end);
                assertThat(e.dtype()).isEqualTo("F32");
                end = e.end();
            }
        }
        // Saving again over an existing checkpoint replaces it.
        GptWeights other = TestModels.random(CFG, 4);
        GptCheckpoint.save(dir, other);
        assertSameTensors(GptCheckpoint.load(dir), other);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "model.safetensors");
        }
        // Both files get the permissions of any new file here (not the owner-only ones of a temporary file).
        var usual = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("any-new-file")));
        assertThat(Files.getPosixFilePermissions(dir.resolve("config.json"))).isEqualTo(usual);
        assertThat(Files.getPosixFilePermissions(dir.resolve("model.safetensors"))).isEqualTo(usual);
    }

    @Test
    void transformerPrefixIsAcceptedAndATiedLmHeadIsChecked() throws IOException {
        GptWeights w = TestModels.random(CFG, 5);
        Map<String, Raw> t = f32Tensors(w, "transformer.");
        t.put("lm_head.weight", new Raw("F32", new long[]{CFG.vocabSize(), CFG.nEmbd()}, f32(w.wte)));
        t.put("transformer.h.0.attn.bias", new Raw("F32", new long[]{1, 1, 4, 4}, f32(new float[16]))); // HF's mask buffer: ignored
        assertSameTensors(GptCheckpoint.load(checkpoint("prefixed", CFG, t)), w);

        float[] untied = w.wte.clone();
        untied[123] += 1f;
        t.put("lm_head.weight", new Raw("F32", new long[]{CFG.vocabSize(), CFG.nEmbd()}, f32(untied)));
        Path dir = checkpoint("untied", CFG, t);
        assertThatThrownBy(() -> GptCheckpoint.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("lm_head.weight");
    }

    @Test
    void f16AndBf16AreConvertedToFloatOnLoad() throws IOException {
        // Bit patterns with known values (IEEE 754 binary16; bfloat16 = the upper half of binary32).
        short[] f16 = {0x3C00, (short) 0xC000, 0x3555, 0x7BFF, 0x0001, 0x7C00, (short) 0x8000};
        float[] f16Want = {1f, -2f, 0.333251953125f, 65504f, 5.9604645e-8f, Float.POSITIVE_INFINITY, -0f};
        short[] bf16 = {0x3F80, (short) 0xC040, 0x4049, 0x0001, 0x7F80};
        float[] bf16Want = {1f, -3f, 3.140625f, Float.intBitsToFloat(0x00010000), Float.POSITIVE_INFINITY};
        Map<String, Raw> m = new LinkedHashMap<>();
        m.put("a", new Raw("F16", new long[]{f16.length}, u16(f16)));
        m.put("b", new Raw("BF16", new long[]{bf16.length}, u16(bf16)));
        Path file = tmp.resolve("dtypes.safetensors");
        Files.write(file, safetensors(m));
        try (Safetensors st = Safetensors.open(file)) {
            float[] a = new float[f16.length], b = new float[bf16.length];
            st.readFloats("a", a);
            st.readFloats("b", b);
            assertThat(a).containsExactly(f16Want);
            assertThat(b).containsExactly(bf16Want);
            assertThat(Float.floatToRawIntBits(a[6])).isEqualTo(0x80000000); // -0 keeps its sign
        }

        // A whole checkpoint in BF16 (values rounded to BF16 first, so the load must match exactly),
        // with one tensor in F16 and one in F32: mixed files exist.
        GptWeights w = TestModels.random(CFG, 6);
        Map<String, Raw> t = new LinkedHashMap<>();
        for (GptWeights.Tensor x : w.tensors().values()) {
            float[] d = x.data();
            short[] s = new short[d.length];
            boolean half = x.name().equals("h.1.mlp.c_fc.bias");
            for (int i = 0; i < d.length; i++) {
                s[i] = half ? Float.floatToFloat16(d[i]) : (short) (Float.floatToRawIntBits(d[i]) >>> 16);
                d[i] = half ? Float.float16ToFloat(s[i]) : Float.intBitsToFloat((s[i] & 0xFFFF) << 16);
            }
            boolean full = x.name().equals("ln_f.weight");
            t.put(x.name(), full ? new Raw("F32", shape(x.shape()), f32(d)) : new Raw(half ? "F16" : "BF16", shape(x.shape()), u16(s)));
        }
        assertSameTensors(GptCheckpoint.load(checkpoint("bf16", CFG, t)), w);
    }

    // ---- bad files: each fails at load, naming the file and (where there is one) the tensor ----

    @Test
    void missingFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> GptCheckpoint.load(tmp.resolve("nowhere")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json").hasMessageContaining("not found");
        Path dir = tmp.resolve("no-weights");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), GptCheckpoint.configJson(CFG).toString());
        assertThatThrownBy(() -> GptCheckpoint.load(dir))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("model.safetensors").hasMessageContaining("not found");
    }

    @Test
    void aTruncatedFileNamesTheTensorItCutsInto() throws IOException {
        GptWeights w = TestModels.random(CFG, 8);
        Path dir = tmp.resolve("truncated");
        GptCheckpoint.save(dir, w);
        Path file = dir.resolve("model.safetensors");
        Safetensors.Entry cut;
        long dataStart;
        try (Safetensors st = Safetensors.open(file)) {
            cut = st.entries().get("h.1.mlp.c_fc.weight");
            dataStart = Files.size(file) - st.entries().get("ln_f.bias").end();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(dataStart + cut.begin() + 100);
        }
        assertThatThrownBy(() -> GptCheckpoint.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("'h.1.mlp.c_fc.weight'").hasMessageContaining("truncated");

        // Cut inside the header, and inside the length field.
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(50);
        }
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining(file.toString()).hasMessageContaining("truncated");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(5);
        }
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining(file.toString()).hasMessageContaining("truncated");
    }

    @Test
    void aBadHeaderIsReported() throws IOException {
        Path dir = checkpoint("bad-header", CFG, Map.of());
        Path file = dir.resolve("model.safetensors");

        Files.write(file, withHeader("{\"wte.weight\": {\"dtype\": \"F32\", \"shape\": [97, 48]", List.of()));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("bad header").hasMessageContaining("JSON");

        Files.write(file, withHeader("[1, 2]", List.of()));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining(file.toString()).hasMessageContaining("bad header");

        // A header length that no real file has (e.g. a file of another format).
        Files.write(file, "PK\u0003\u0004 this is a zip file, not safetensors".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining(file.toString()).hasMessageContaining("header length");

        // Entry-level problems name the tensor.
        Files.write(file, withHeader("{\"wpe.weight\": {\"shape\": [40, 48], \"data_offsets\": [0, 7680]}}", List.of(new byte[7680])));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining(file.toString())
                .hasMessageContaining("'wpe.weight'").hasMessageContaining("dtype");
        Files.write(file, withHeader("{\"wpe.weight\": {\"dtype\": \"F32\", \"shape\": [40, 48], \"data_offsets\": [0, 7000]}}",
                List.of(new byte[7680])));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining("'wpe.weight'").hasMessageContaining("7680");
        Files.write(file, withHeader("{\"wpe.weight\": {\"dtype\": \"F32\", \"shape\": [40, -48], \"data_offsets\": [0, 7680]}}",
                List.of(new byte[7680])));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining("'wpe.weight'").hasMessageContaining("negative");
        Files.write(file, withHeader("{\"wpe.weight\": {\"dtype\": \"F32\", \"shape\": [40, 48], \"data_offsets\": [7680, 15360]}}",
                List.of(new byte[7680])));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining("'wpe.weight'").hasMessageContaining("not 0");
        String entry = "\"wpe.weight\": {\"dtype\": \"F32\", \"shape\": [40, 48], \"data_offsets\": [0, 7680]}";
        Files.write(file, withHeader("{" + entry + ", " + entry + "}", List.of(new byte[7680])));
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).hasMessageContaining("bad header").hasMessageContaining("'wpe.weight'");
    }

    @Test
    void aWrongShapeNamesTheTensorAndBothShapes() throws IOException {
        GptWeights w = TestModels.random(CFG, 9);
        Map<String, Raw> t = f32Tensors(w, "");
        Raw fc = t.get("h.1.mlp.c_fc.weight");
        t.put("h.1.mlp.c_fc.weight", new Raw("F32", new long[]{4 * 48, 48}, fc.bytes())); // transposed
        Path dir = checkpoint("wrong-shape", CFG, t);
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("'h.1.mlp.c_fc.weight'")
                .hasMessageContaining("[192, 48]").hasMessageContaining("[48, 192]");

        // config.json and the weights disagree on the model's size.
        Path small = checkpoint("config-mismatch", new GptConfig(97, 40, 32, 2, 4), f32Tensors(w, ""));
        assertThatThrownBy(() -> GptCheckpoint.load(small)).hasMessageContaining("'wte.weight'").hasMessageContaining("[97, 48]");
        Path fewer = checkpoint("fewer-layers", new GptConfig(97, 40, 48, 1, 4), f32Tensors(w, ""));
        assertThatThrownBy(() -> GptCheckpoint.load(fewer)).hasMessageContaining("'h.1.").hasMessageContaining("n_layer");
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        GptWeights w = TestModels.random(CFG, 10);
        Map<String, Raw> t = f32Tensors(w, "");
        t.remove("h.1.ln_2.bias");
        Path dir = checkpoint("missing-tensor", CFG, t);
        assertThatThrownBy(() -> GptCheckpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("'h.1.ln_2.bias' is missing");

        // An unsupported dtype is named too.
        t = f32Tensors(w, "");
        t.put("wpe.weight", new Raw("I32", new long[]{40, 48}, new byte[40 * 48 * 4]));
        Path ints = checkpoint("int-tensor", CFG, t);
        assertThatThrownBy(() -> GptCheckpoint.load(ints)).hasMessageContaining("'wpe.weight'").hasMessageContaining("I32");
    }

    @Test
    void badConfigIsReported() throws IOException {
        Path dir = tmp.resolve("bad-config");
        Files.createDirectories(dir);
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"{\"vocab_size\": 97, \"n_positions\": 40, \"n_embd\": 48, \"n_layer\": 2}", "n_head"});
        cases.add(new String[]{"{\"vocab_size\": 97, \"n_positions\": 40, \"n_embd\": 48, \"n_layer\": 2, \"n_head\": 5}", "multiple"});
        cases.add(new String[]{"{\"vocab_size\": \"97\", \"n_positions\": 40, \"n_embd\": 48, \"n_layer\": 2, \"n_head\": 4}", "vocab_size"});
        cases.add(new String[]{"{\"vocab_size\": 97, \"n_positions\": 40, \"n_embd\": 48, \"n_layer\": 2, \"n_head\": 4, "
                + "\"activation_function\": \"relu\"}", "relu"});
        cases.add(new String[]{"not json", "config.json"});
        for (String[] c : cases) {
            Files.writeString(dir.resolve("config.json"), c[0]);
            assertThatThrownBy(() -> GptCheckpoint.readConfig(dir)).as(c[0])
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json").hasMessageContaining(c[1]);
        }
        // The older n_ctx stands in for n_positions; epsilon defaults to GPT-2's.
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 97, \"n_ctx\": 40, \"n_embd\": 48, \"n_layer\": 2, \"n_head\": 4}");
        assertThat(GptCheckpoint.readConfig(dir)).isEqualTo(CFG);
    }
}
