package miniserve.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static miniserve.model.CraftedSafetensors.f32;
import static miniserve.model.CraftedSafetensors.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader accepts what the safetensors reference accepts and refuses the rest: one crafted file
 * per rule, each refusal a one-line message naming the file and the rule.
 */
class SafetensorsTest {

    @TempDir
    Path tmp;

    private int files;

    private Path write(byte[] bytes) throws IOException {
        Path file = tmp.resolve("crafted-" + files++ + ".safetensors");
        Files.write(file, bytes);
        return file;
    }

    /** Writes {@code bytes} to a file and checks that opening it is refused for a reason containing every {@code words}. */
    private void assertRefused(byte[] bytes, String... words) throws IOException {
        Path file = write(bytes);
        assertThatThrownBy(() -> Safetensors.open(file).close())
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContainingAll(words)
                .hasMessageNotContaining("\n");
    }

    private Safetensors accepted(byte[] bytes) throws IOException {
        return Safetensors.open(write(bytes));
    }

    /** A header of the given text over {@code n} zero bytes of data. */
    private static byte[] file(String header, int n) {
        return withHeader(header, List.of(new byte[n]));
    }

    /** A header object of the given entries. */
    private static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    // ---- the length field ----

    @Test
    void aFileTooShortForTheLengthFieldIsRefused() throws IOException {
        assertRefused(new byte[0], "truncated", "8-byte header length");
        assertRefused(new byte[]{2, 0, 0, 0, 0}, "truncated", "8-byte header length");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRefused() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        assertRefused(withHeader(3, header, List.of()), "truncated", "header length says 3 bytes", "only 2");
        assertRefused(withHeader(60, "{\"a\":{\"dtype\":\"F32\"".getBytes(StandardCharsets.UTF_8), List.of()), "truncated");
    }

    @Test
    void aHeaderLengthOverTheReferenceLimitIsRefused() throws IOException {
        // The reference's limit is 100,000,000 bytes; one more is refused before anything is read.
        assertRefused(withHeader(100_000_001L, "{}".getBytes(StandardCharsets.UTF_8), List.of()), "header length 100000001", "limit");
        // A length with the top bit set is a huge unsigned number, not a negative one.
        assertRefused(withHeader(-8L, "{}".getBytes(StandardCharsets.UTF_8), List.of()), "header length 18446744073709551608", "limit");
        assertRefused("PK\u0003\u0004 a zip file, not safetensors".getBytes(StandardCharsets.ISO_8859_1), "header length", "limit");
    }

    @Test
    void aHeaderLengthTooShortForAJsonObjectIsRefused() throws IOException {
        assertRefused(withHeader(0, new byte[0], List.of()), "header length 0", "too short for a JSON object");
        assertRefused(withHeader(1, "{}".getBytes(StandardCharsets.UTF_8), List.of()), "header length 1", "too short for a JSON object");
    }

    // ---- the header's text ----

    @Test
    void aHeaderThatIsNotUtf8IsRefused() throws IOException {
        byte[] valid = "{\"__metadata__\":{\"k\":\"vv\"}}".getBytes(StandardCharsets.UTF_8);
        int at = valid.length - 5; // the first 'v' of "vv"}}
        byte[][] bad = {
                {(byte) 0xFF, 'v'},               // never valid in UTF-8
                {(byte) 0xC3, '('},               // a lead byte without its continuation
                {(byte) 0xC0, (byte) 0xAF},       // an overlong '/'
                {(byte) 0xED, (byte) 0xA0},       // the start of an encoded surrogate (U+D800)
        };
        for (byte[] b : bad) {
            byte[] header = valid.clone();
            header[at] = b[0];
            header[at + 1] = b[1];
            assertRefused(withHeader(header, List.of()), "bad header", "not valid UTF-8", "offset " + at);
        }
        // Multi-byte UTF-8 is fine, in names and metadata alike.
        try (Safetensors st = accepted(file("{\"__metadata__\":{\"note\":\"déjà vu ✓\"}," + tensor("größe", "U8", "[2]", 0, 2) + "}", 2))) {
            assertThat(st.metadata()).containsEntry("note", "déjà vu ✓");
            assertThat(st.entries()).containsKey("größe");
        }
    }

    @Test
    void aHeaderNotStartingWithABraceIsRefused() throws IOException {
        // The reference's README: the header MUST begin with '{' (no leading whitespace, no byte order mark).
        assertRefused(file(" {}", 0), "bad header", "starting with '{'", "U+0020");
        assertRefused(file("\n{}", 0), "bad header", "starting with '{'", "U+000A");
        assertRefused(file("\uFEFF{}", 0), "bad header", "starting with '{'", "U+FEFF");
    }

    @Test
    void aHeaderThatIsNotAJsonObjectIsRefused() throws IOException {
        assertRefused(file("[1, 2]", 0), "bad header", "JSON object", "'['");
        assertRefused(file("\"tensors\"", 0), "bad header", "JSON object", "'\"'");
        assertRefused(file("42", 0), "bad header", "JSON object", "'4'");
    }

    @Test
    void aHeaderThatIsNotValidJsonIsRefused() throws IOException {
        assertRefused(file("{\"a\": }", 0), "bad header", "not valid JSON");
        assertRefused(file("{\"a\": {\"dtype\": \"F32\"", 0), "bad header", "not valid JSON");
        assertRefused(file("{'a': 1}", 0), "bad header", "not valid JSON");
    }

    @Test
    void junkAfterTheJsonObjectIsRefused() throws IOException {
        assertRefused(file("{}x", 0), "bad header", "junk after the JSON object", "character 2", "'x'");
        assertRefused(file("{}  }", 0), "junk after the JSON object", "character 4", "'}'");
        assertRefused(file("{}{}", 0), "junk after the JSON object", "'{'");
        // Zero bytes are not padding: the reference pads with spaces, and refuses anything but whitespace.
        assertRefused(file("{}\u0000\u0000\u0000\u0000\u0000\u0000", 0), "junk after the JSON object", "U+0000");
        String t = tensor("a", "F32", "[2]", 0, 8);
        assertRefused(file(header(t) + "   // comment", 8), "junk after the JSON object", "'/'");
    }

    @Test
    void aKeyGivenTwiceIsRefused() throws IOException {
        String t = tensor("a", "F32", "[2]", 0, 8);
        assertRefused(file(header(t, t), 8), "bad header", "twice", "'a'");
        assertRefused(file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), "bad header", "twice", "'k'");
    }

    // ---- metadata ----

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        assertRefused(file("{\"__metadata__\":{\"format\":\"pt\",\"epochs\":3}}", 0), "bad header", "'epochs'", "number", "not a string");
        assertRefused(file("{\"__metadata__\":{\"cfg\":{\"lr\":\"1e-3\"}}}", 0), "'cfg'", "object", "not a string");
        assertRefused(file("{\"__metadata__\":{\"ok\":true}}", 0), "'ok'", "boolean", "not a string");
        assertRefused(file("{\"__metadata__\":{\"none\":null}}", 0), "'none'", "null", "not a string");
        assertRefused(file("{\"__metadata__\":[\"pt\"]}", 0), "__metadata__ is not an object of strings");
        assertRefused(file("{\"__metadata__\":\"pt\"}", 0), "__metadata__ is not an object of strings");
    }

    // ---- tensor entries ----

    @Test
    void anUnknownDtypeIsRefused() throws IOException {
        assertRefused(file(header(tensor("w", "F31", "[2]", 0, 8)), 8), "tensor 'w'", "unknown dtype 'F31'");
        assertRefused(file(header(tensor("w", "f32", "[2]", 0, 8)), 8), "tensor 'w'", "unknown dtype 'f32'");
        assertRefused(file("{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'w'", "dtype");
    }

    @Test
    void anEntryMissingAFieldOrOfTheWrongKindIsRefused() throws IOException {
        assertRefused(file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'w'", "'dtype'");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), "tensor 'w'", "'shape'");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "tensor 'w'", "data_offsets");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", 8), "tensor 'w'", "data_offsets");
        assertRefused(file("{\"w\":[\"F32\",[2],[0,8]]}", 8), "tensor 'w'", "not an object");
        assertRefused(file(header(tensor("w", "F32", "[2,-1]", 0, 8)), 8), "tensor 'w'", "negative");
        assertRefused(file(header(tensor("w", "F32", "[2.0]", 0, 8)), 8), "tensor 'w'", "non-integer");
        assertRefused(file(header(tensor("w", "F32", "[2]", 8, 0)), 8), "tensor 'w'", "begin <= end");
    }

    @Test
    void aSpanThatDoesNotMatchShapeAndDtypeIsRefused() throws IOException {
        assertRefused(file(header(tensor("w", "F32", "[2,2]", 0, 12)), 12), "tensor 'w'", "span 12 bytes", "F32 [2, 2] needs 16");
        assertRefused(file(header(tensor("w", "BF16", "[3]", 0, 12)), 12), "tensor 'w'", "span 12 bytes", "BF16 [3] needs 6");
        // The scalar shape [] is one element.
        assertRefused(file(header(tensor("s", "I32", "[]", 0, 0)), 0), "tensor 's'", "needs 4");
        // An element count whose byte size overflows.
        assertRefused(file(header(tensor("w", "F32", "[4611686018427387904,4]", 0, 16)), 16), "tensor 'w'", "too large");
        // Sub-byte dtypes must fill whole bytes.
        assertRefused(file(header(tensor("q", "F4", "[3]", 0, 2)), 2), "tensor 'q'", "F4 [3]", "whole number of bytes");
    }

    // ---- the tensors tile the data section ----

    @Test
    void aHoleBetweenTensorsIsRefused() throws IOException {
        String h = header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[2]", 12, 20));
        assertRefused(file(h, 20), "a hole", "data bytes [8, 12)", "'a'", "'b'");
    }

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        String h = header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[2]", 4, 12));
        assertRefused(file(h, 12), "'a' [0, 8)", "'b' [4, 12)", "overlap");
        // Two names for the same bytes: the aliasing a duplicate-free header still allows without the tiling rule.
        String alias = header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[2]", 0, 8));
        assertRefused(file(alias, 8), "overlap");
        // An empty tensor inside another one's bytes overlaps it too.
        String inside = header(tensor("a", "F32", "[2]", 0, 8), tensor("e", "F32", "[0]", 4, 4));
        assertRefused(file(inside, 8), "'e' [4, 4)", "overlap");
    }

    @Test
    void tensorsNotStartingAtZeroAreRefused() throws IOException {
        assertRefused(file(header(tensor("a", "F32", "[2]", 4, 12)), 12), "tensor 'a'", "starts at data byte 4, not 0");
    }

    @Test
    void trailingBytesAfterTheLastTensorAreRefused() throws IOException {
        String h = header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "U8", "[3]", 8, 11));
        assertRefused(file(h, 13), "trailing bytes", "2 bytes after the last tensor 'b'");
        // The reference's polyglot case: a valid file with something else appended.
        byte[] polyglot = withHeader(header(tensor("a", "F32", "[2]", 0, 8)),
                List.of(new byte[8], "extra_bogus_data_for_polyglot_file".getBytes(StandardCharsets.US_ASCII)));
        assertRefused(polyglot, "trailing bytes", "34 bytes");
        assertRefused(file("{}", 5), "trailing bytes", "5 bytes after the header");
    }

    @Test
    void dataEndingBeforeTheLastTensorIsTruncated() throws IOException {
        String h = header(tensor("a", "F32", "[2]", 0, 8), tensor("b", "F32", "[4]", 8, 24));
        assertRefused(file(h, 14), "tensor 'b'", "truncated", "[8, 24)", "holds 14 bytes");
    }

    // ---- what is accepted ----

    @Test
    void aHeaderPaddedWithWhitespaceIsAccepted() throws IOException {
        String t = tensor("a", "F32", "[2]", 0, 8);
        try (Safetensors st = accepted(withHeader(header(t) + "      ", List.of(f32(new float[]{1.5f, -2f}))))) {
            float[] a = new float[2];
            st.readFloats("a", a);
            assertThat(a).containsExactly(1.5f, -2f);
        }
        // The reference's own test pads with carriage return, space, tab and line feed.
        try (Safetensors st = accepted(file("{}\r \t\n", 0))) {
            assertThat(st.entries()).isEmpty();
        }
    }

    @Test
    void metadataIsOptionalAndMayBeEmpty() throws IOException {
        String t = tensor("a", "U8", "[1]", 0, 1);
        try (Safetensors st = accepted(file("{\"__metadata__\":{}," + t + "}", 1))) {
            assertThat(st.metadata()).isEmpty();
            assertThat(st.entries()).containsOnlyKeys("a");
        }
        try (Safetensors st = accepted(file(header(t), 1))) {
            assertThat(st.metadata()).isEmpty();
        }
        try (Safetensors st = accepted(file("{}", 0))) {
            assertThat(st.entries()).isEmpty();
        }
    }

    @Test
    void emptyTensorsAndScalarsAreAccepted() throws IOException {
        // The README allows tensors with a 0 dimension (no bytes) and the scalar shape [] (one element).
        String h = header(tensor("empty", "I32", "[2,0]", 0, 0), tensor("scalar", "F32", "[]", 0, 4),
                tensor("alsoEmpty", "F32", "[0]", 4, 4), tensor("last", "F32", "[1]", 4, 8),
                tensor("emptyAtTheEnd", "F16", "[0,7]", 8, 8));
        try (Safetensors st = accepted(withHeader(h, List.of(f32(new float[]{3f, 4f}))))) {
            assertThat(st.entries().get("empty").elementCount()).isZero();
            assertThat(st.entries().get("scalar").shape()).isEmpty();
            float[] scalar = new float[1], last = new float[1];
            st.readFloats("scalar", scalar);
            st.readFloats("last", last);
            assertThat(scalar).containsExactly(3f);
            assertThat(last).containsExactly(4f);
            st.readFloats("alsoEmpty", new float[0]);
        }
        // A file of one empty tensor and no data at all, as in the reference's test.
        try (Safetensors st = accepted(file(header(tensor("test", "I32", "[2,0]", 0, 0)), 0))) {
            assertThat(st.entries()).containsOnlyKeys("test");
        }
    }

    @Test
    void tensorsMayBeListedInAnyOrderAndKeepTheirHeaderOrder() throws IOException {
        // The reference sorts by offset before checking the tiling; the header's order is free.
        String h = header(tensor("second", "F32", "[1]", 4, 8), tensor("first", "F32", "[1]", 0, 4));
        try (Safetensors st = accepted(withHeader(h, List.of(f32(new float[]{1f, 2f}))))) {
            assertThat(st.entries().keySet()).containsExactly("second", "first");
            float[] v = new float[1];
            st.readFloats("second", v);
            assertThat(v).containsExactly(2f);
        }
    }

    @Test
    void everyKnownDtypeIsAcceptedAndOnlyFloatsAreReadAsFloats() throws IOException {
        // Bits per element of every dtype the reference defines, grouped by width.
        String[][] byWidth = {{"4", "F4"}, {"6", "F6_E2M3", "F6_E3M2"},
                {"8", "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0"}, {"16", "I16", "U16", "F16", "BF16"},
                {"32", "I32", "U32", "F32"}, {"64", "I64", "U64", "F64", "C64"}};
        Map<String, Integer> bits = new TreeMap<>();
        for (String[] w : byWidth) for (int i = 1; i < w.length; i++) bits.put(w[i], Integer.parseInt(w[0]));
        List<String> entries = new ArrayList<>();
        long off = 0;
        for (Map.Entry<String, Integer> d : bits.entrySet()) {
            long bytes = 4L * d.getValue() / 8; // four elements: a whole number of bytes for every dtype
            entries.add(tensor("t_" + d.getKey(), d.getKey(), "[4]", off, off + bytes));
            off += bytes;
        }
        Path file = write(file(header(entries.toArray(String[]::new)), (int) off));
        try (Safetensors st = Safetensors.open(file)) {
            assertThat(st.entries()).hasSize(bits.size());
            for (String d : bits.keySet()) assertThat(st.entries().get("t_" + d).dtype()).isEqualTo(d);
            float[] four = new float[4];
            st.readFloats("t_F32", four);
            st.readFloats("t_F16", four);
            st.readFloats("t_BF16", four);
            // The others parse, and reading them as floats is refused by name.
            assertThatThrownBy(() -> st.readFloats("t_I32", four)).isInstanceOf(CheckpointException.class)
                    .hasMessageContainingAll(file.toString(), "'t_I32'", "dtype I32", "only F32, F16 and BF16");
            assertThatThrownBy(() -> st.readFloats("t_F64", four)).hasMessageContainingAll("'t_F64'", "dtype F64");
        }
    }

    @Test
    void theShippedWeightsAreAccepted() throws IOException {
        Path dir = Path.of("weights");
        try (Safetensors st = Safetensors.open(dir.resolve(GptCheckpoint.WEIGHTS_FILE))) {
            assertThat(st.metadata()).containsEntry("format", "pt");
            assertThat(st.entries()).containsKey("wte.weight");
        }
        GptWeights w = GptCheckpoint.load(dir);
        assertThat(w.config).isEqualTo(GptCheckpoint.readConfig(dir));
    }

    @Test
    void whatTheWriterWritesTheReaderAccepts() throws IOException {
        GptWeights w = TestModels.random(TestModels.TINY, 21);
        Path file = tmp.resolve("written.safetensors");
        Safetensors.writeF32(file, w.tensors().values(), Map.of("format", "pt", "note", "x"));
        try (Safetensors st = Safetensors.open(file)) {
            assertThat(st.metadata()).containsEntry("format", "pt").containsEntry("note", "x");
            assertThat(st.entries().keySet()).containsExactlyElementsOf(w.tensors().keySet());
            for (GptWeights.Tensor t : w.tensors().values()) assertThat(st.contentEquals(t.name(), t.data())).as(t.name()).isTrue();
        }
        // No metadata, and no tensors at all: still files the reader accepts.
        Safetensors.writeF32(file, List.of(), null);
        try (Safetensors st = Safetensors.open(file)) {
            assertThat(st.entries()).isEmpty();
            assertThat(st.metadata()).isEmpty();
        }
        // A tensor named like the metadata key would make a file the reader refuses: the writer refuses it first.
        var named = List.of(new GptWeights.Tensor("__metadata__", new int[]{1}, new float[1]));
        assertThatThrownBy(() -> Safetensors.writeF32(file, named, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__metadata__");
    }
}
