package miniserve.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the raw little-endian tensor data; offsets count from the end of the header.
 *
 * <p>The reader is strict: it accepts what the format's reference accepts and refuses the rest at
 * open, each refusal a {@link CheckpointException} whose one-line message names the file, the rule
 * broken and, where there is one, the tensor. The rules, from the reference's README ("Format") and
 * its reader ({@code safetensors/src/tensor.rs}: {@code read_metadata}, {@code Metadata::validate},
 * {@code Dtype::bitsize}):
 * <ul>
 *   <li>the file holds at least the 8-byte length, and the header it announces (at most
 *       100,000,000 bytes, the reference's limit) fits in the file;</li>
 *   <li>the header is UTF-8, starts with '{' (the README's rule; the reference holds its own check
 *       of it back for a later release) and is one JSON object, followed by nothing but JSON
 *       whitespace: writers pad it with spaces to align the data, and the reference's tests
 *       accept tabs and line breaks there too;</li>
 *   <li>no key appears twice (the README disallows it; the reference's parser would keep the last);</li>
 *   <li>{@code __metadata__}, if present, maps strings to strings;</li>
 *   <li>every other key is a tensor: an object with a known {@code dtype}, a {@code shape} of
 *       non-negative integers and {@code data_offsets} [begin, end] whose length is exactly what
 *       the shape and dtype need (a whole number of bytes; zero for a shape with a 0, one element
 *       for the scalar shape []);</li>
 *   <li>sorted by offset, the tensors tile the data section: the first begins at 0, each begins
 *       where the previous one ends (no hole, no overlap) and the last ends at the end of the file
 *       (no trailing bytes: the README forbids holes to prevent polyglot files).</li>
 * </ul>
 * Any known dtype is accepted here; {@link #readFloats} reads F32, F16 and BF16 and refuses the
 * others by name. The writer writes F32 only, in files this reader accepts.
 */
public final class Safetensors implements AutoCloseable {

    /** The reference's bound on the header length (its {@code MAX_HEADER_SIZE}); larger ones are refused. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";
    // The format forbids a key appearing twice; Jackson would otherwise keep the last silently. A
    // header may hold strings and names as long as itself, beyond Jackson's default bounds.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength((int) MAX_HEADER_BYTES).maxNameLength((int) MAX_HEADER_BYTES).build())
            .build());

    /** Bits per element of every dtype the format defines (the reference's {@code Dtype::bitsize}); others are unknown. */
    private static final Map<String, Integer> DTYPE_BITS = Map.ofEntries(
            Map.entry("F4", 4), Map.entry("F6_E2M3", 6), Map.entry("F6_E3M2", 6),
            Map.entry("BOOL", 8), Map.entry("U8", 8), Map.entry("I8", 8),
            Map.entry("F8_E5M2", 8), Map.entry("F8_E4M3", 8), Map.entry("F8_E8M0", 8),
            Map.entry("I16", 16), Map.entry("U16", 16), Map.entry("F16", 16), Map.entry("BF16", 16),
            Map.entry("I32", 32), Map.entry("U32", 32), Map.entry("F32", 32),
            Map.entry("I64", 64), Map.entry("U64", 64), Map.entry("F64", 64), Map.entry("C64", 64));

    /** One tensor's header entry; {@code begin}/{@code end} are byte offsets into the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Safetensors(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens a file and checks it against every rule of the format (see the class comment). */
    public static Safetensors open(Path file) throws CheckpointException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": file not found");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8)
                throw refused(file, "truncated: " + size + " bytes, too short to hold the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0); // unsigned in the format: a negative long is beyond any limit
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES)
                throw refused(file, "bad header: header length " + Long.toUnsignedString(headerLen)
                        + " is over the format's limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
            if (headerLen > size - 8)
                throw refused(file, "truncated: the header length says " + headerLen + " bytes but only " + (size - 8)
                        + " follow it");
            if (headerLen < 2)
                throw refused(file, "bad header: header length " + headerLen + " is too short for a JSON object (at least '{}')");
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            long dataStart = 8 + headerLen;
            Safetensors st = parseHeader(file, ch, headerBuf.array(), dataStart, size - dataStart);
            ch = null; // owned by st now
            return st;
        } catch (IOException e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing with a clearer message
                }
            }
        }
    }

    /** A refusal: the file, then the reason on the same line (JSON text quoted in it cannot break the line). */
    private static CheckpointException refused(Path file, String reason) {
        return new CheckpointException(file + ": " + reason.replaceAll("\\R+", " "));
    }

    private static Safetensors parseHeader(Path file, FileChannel ch, byte[] header, long dataStart, long dataBytes)
            throws CheckpointException {
        String text = utf8(file, header);
        if (text.charAt(0) != '{')
            throw refused(file, "bad header: must be a JSON object starting with '{', but starts with " + describe(text.charAt(0)));
        JsonNode root;
        int end;
        try (JsonParser p = JSON.createParser(text)) {
            root = JSON.readTree(p);
            end = (int) p.currentLocation().getCharOffset();
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            throw refused(file, why.startsWith("Duplicate")
                    ? "bad header: a key appears twice, which the format forbids (" + why + ")"
                    : "bad header: not valid JSON (" + why + ")");
        } catch (IOException e) {
            throw refused(file, "bad header: " + e.getMessage());
        }
        for (int i = end; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                throw refused(file, "bad header: junk after the JSON object at character " + i + " of the header ("
                        + describe(c) + "); only whitespace may pad it");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals(METADATA_KEY)) {
                if (!v.isObject()) throw refused(file, "bad header: __metadata__ is not an object of strings");
                for (Map.Entry<String, JsonNode> m : v.properties()) {
                    if (!m.getValue().isTextual())
                        throw refused(file, "bad header: __metadata__ value '" + m.getKey() + "' is " + m.getValue().getNodeType()
                                .toString().toLowerCase(Locale.ROOT) + ", not a string (the format allows strings only)");
                    metadata.put(m.getKey(), m.getValue().textValue());
                }
                continue;
            }
            entries.put(name, parseEntry(file, name, v));
        }
        checkTiling(file, entries.values(), dataBytes);
        return new Safetensors(file, ch, dataStart, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    /** The header as text, refusing any byte sequence that is not UTF-8 (overlong forms and surrogates included). */
    private static String utf8(Path file, byte[] header) throws CheckpointException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(header.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError())
            throw refused(file, String.format(Locale.ROOT, "bad header: not valid UTF-8 (byte 0x%02X at offset %d of the header)",
                    header[in.position()] & 0xFF, in.position()));
        return out.flip().toString();
    }

    /** A character for a message: itself if printable, else its code point. */
    private static String describe(char c) {
        return c > ' ' && c < 0x7F ? "'" + c + "'" : String.format(Locale.ROOT, "U+%04X", (int) c);
    }

    private static Entry parseEntry(Path file, String name, JsonNode v) throws CheckpointException {
        String where = "tensor '" + name + "': bad header: ";
        if (!v.isObject()) throw refused(file, where + "entry is not an object");
        JsonNode dtypeNode = v.get("dtype"), shapeNode = v.get("shape"), offNode = v.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual())
            throw refused(file, where + "missing or non-text 'dtype'");
        Integer bits = DTYPE_BITS.get(dtypeNode.textValue());
        if (bits == null)
            throw refused(file, where + "unknown dtype '" + dtypeNode.textValue() + "' (the format knows "
                    + new TreeSet<>(DTYPE_BITS.keySet()) + ")");
        if (shapeNode == null || !shapeNode.isArray())
            throw refused(file, where + "missing or non-array 'shape'");
        if (offNode == null || !offNode.isArray() || offNode.size() != 2)
            throw refused(file, where + "'data_offsets' must be [begin, end]");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0)
                throw refused(file, where + "shape " + shapeNode + " has a non-integer or negative dimension");
            shape[i] = d.longValue();
        }
        JsonNode b = offNode.get(0), e = offNode.get(1);
        if (!b.isIntegralNumber() || !e.isIntegralNumber() || !b.canConvertToLong() || !e.canConvertToLong()
                || b.longValue() < 0 || e.longValue() < b.longValue())
            throw refused(file, where + "data_offsets " + offNode + " are not 0 <= begin <= end");
        Entry entry = new Entry(name, dtypeNode.textValue(), shape, b.longValue(), e.longValue());
        long bitCount;
        try {
            bitCount = bits;
            for (long d : shape) bitCount = Math.multiplyExact(bitCount, d);
        } catch (ArithmeticException overflow) {
            throw refused(file, where + "shape " + entry.shapeString() + " is too large");
        }
        if (bitCount % 8 != 0)
            throw refused(file, where + entry.dtype() + " " + entry.shapeString() + " is not a whole number of bytes");
        long span = entry.end() - entry.begin();
        if (span != bitCount / 8)
            throw refused(file, where + "data_offsets " + offNode + " span " + span + " bytes but "
                    + entry.dtype() + " " + entry.shapeString() + " needs " + bitCount / 8);
        return entry;
    }

    /**
     * The tensors, sorted by offset, must cover the data section exactly: the first from byte 0, each
     * from where the previous one ends, the last to the end of the file.
     */
    private static void checkTiling(Path file, Collection<Entry> entries, long dataBytes) throws CheckpointException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        long covered = 0;
        for (Entry e : sorted) {
            if (e.begin() > covered)
                throw refused(file, prev == null
                        ? "tensor '" + e.name() + "': the first tensor starts at data byte " + e.begin()
                                + ", not 0: a hole the format forbids"
                        : "a hole: data bytes [" + covered + ", " + e.begin() + ") between tensor '" + prev.name()
                                + "' and tensor '" + e.name() + "' belong to no tensor");
            if (e.begin() < covered)
                throw refused(file, "tensors '" + prev.name() + "' " + range(prev) + " and '" + e.name() + "' " + range(e)
                        + " overlap");
            prev = e;
            covered = e.end();
        }
        if (covered > dataBytes) {
            Entry cut = sorted.stream().filter(e -> e.end() > dataBytes).findFirst().orElseThrow();
            throw refused(file, "tensor '" + cut.name() + "': truncated: it needs data bytes " + range(cut)
                    + " but the file holds " + dataBytes + " bytes of data");
        }
        if (covered < dataBytes)
            throw refused(file, "trailing bytes: " + (dataBytes - covered) + " bytes after "
                    + (prev == null ? "the header" : "the last tensor '" + prev.name() + "'") + " belong to no tensor");
    }

    private static String range(Entry e) {
        return "[" + e.begin() + ", " + e.end() + ")";
    }

    public Path file() {
        return file;
    }

    /** Every tensor's header entry, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The optional {@code __metadata__} map (string to string). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads a tensor into {@code dst} (exactly its element count long), converting F16 and BF16
     * to float.
     */
    public void readFloats(String name, float[] dst) throws CheckpointException {
        Entry e = floatEntry(name);
        if (e.elementCount() != dst.length)
            throw new CheckpointException(file + ": tensor '" + name + "' has " + e.elementCount() + " elements, expected " + dst.length);
        // Map in pieces well under 2 GiB (a MappedByteBuffer's limit).
        for (int done = 0; done < dst.length; ) {
            int n = Math.min(1 << 26, dst.length - done);
            readRange(e, done, dst, done, n);
            done += n;
        }
    }

    /**
     * Tells whether tensor {@code name} (F32, F16 or BF16) holds exactly the values of {@code expected}
     * (after conversion to float, bit for bit), reading it in small pieces rather than as a copy.
     */
    public boolean contentEquals(String name, float[] expected) throws CheckpointException {
        Entry e = floatEntry(name);
        if (e.elementCount() != expected.length) return false;
        float[] chunk = new float[Math.min(expected.length, 1 << 20)];
        for (int done = 0; done < expected.length; ) {
            int n = Math.min(chunk.length, expected.length - done);
            readRange(e, done, chunk, 0, n);
            for (int i = 0; i < n; i++)
                if (Float.floatToRawIntBits(chunk[i]) != Float.floatToRawIntBits(expected[done + i])) return false;
            done += n;
        }
        return true;
    }

    private Entry floatEntry(String name) throws CheckpointException {
        Entry e = entries.get(name);
        if (e == null) throw new CheckpointException(file + ": tensor '" + name + "' is missing");
        if (!e.dtype().equals("F32") && !e.dtype().equals("F16") && !e.dtype().equals("BF16"))
            throw new CheckpointException(file + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; only F32, F16 and BF16 can be read");
        return e;
    }

    /** Converts elements [first, first+n) of a float tensor into dst[off .. off+n). */
    private void readRange(Entry e, long first, float[] dst, int off, int n) throws CheckpointException {
        int elemBytes = e.dtype().equals("F32") ? 4 : 2;
        MappedByteBuffer mapped;
        try {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin() + first * elemBytes, (long) n * elemBytes);
        } catch (IOException ex) {
            throw new CheckpointException(file + ": tensor '" + e.name() + "': cannot read: " + ex.getMessage(), ex);
        }
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        switch (e.dtype()) {
            case "F32" -> mapped.asFloatBuffer().get(dst, off, n);
            case "F16" -> {
                ShortBuffer s = mapped.asShortBuffer();
                for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(s.get(i));
            }
            default -> { // BF16 is the upper half of an F32
                ShortBuffer s = mapped.asShortBuffer();
                for (int i = 0; i < n; i++) dst[off + i] = Float.intBitsToFloat((s.get(i) & 0xFFFF) << 16);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Writes tensors as F32 in the given order, atomically: the data goes to a temporary file
     * beside {@code file} that then replaces it, so a failed write leaves any previous file intact.
     */
    public static void writeF32(Path file, Collection<GptWeights.Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (GptWeights.Tensor t : tensors) {
            long count = 1;
            for (int d : t.shape()) count *= d;
            if (count != t.data().length)
                throw new IllegalArgumentException("tensor '" + t.name() + "': shape " + Arrays.toString(t.shape())
                        + " does not match its " + t.data().length + " values");
            if (t.name().equals(METADATA_KEY))
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY + ", the format's key for metadata");
            if (header.has(t.name())) throw new IllegalArgumentException("tensor '" + t.name() + "' given twice");
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", "F32");
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            e.putArray("data_offsets").add(offset).add(offset + 4 * count);
            offset += 4 * count;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES)
            throw new IllegalArgumentException("the header would be " + padded + " bytes, over the format's limit of " + MAX_HEADER_BYTES);
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // beside the target, made like any new file (createTempFile would make it readable by its owner only)
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                FloatBuffer fb = buf.asFloatBuffer();
                for (GptWeights.Tensor t : tensors) {
                    float[] d = t.data();
                    for (int done = 0; done < d.length; ) {
                        int n = Math.min(fb.capacity(), d.length - done);
                        fb.clear();
                        fb.put(d, done, n);
                        buf.clear().limit(4 * n);
                        writeFully(ch, buf);
                        done += n;
                    }
                }
                ch.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
