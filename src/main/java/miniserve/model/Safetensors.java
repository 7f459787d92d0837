package miniserve.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors file format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the raw little-endian tensor data; offsets count from the end of the header.
 *
 * <p>An open file validates the whole header up front (every entry's shape, dtype size and byte
 * range against the file's length), so a truncated or inconsistent file fails at open, naming the
 * file and the tensor. Tensors are read through a memory mapping in bulk; F32, F16 and BF16 are
 * read as {@code float}. The writer writes F32 only.
 */
public final class Safetensors implements AutoCloseable {

    /** The format's own bound on the header (the reference implementation refuses larger ones). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final String METADATA_KEY = "__metadata__";
    // The format forbids a name appearing twice; Jackson would otherwise keep the last silently.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Bytes per element of every dtype the format defines; others are unknown. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1),
            Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1),
            Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

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

    /** Opens a file and validates its header. */
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
                throw new CheckpointException(file + ": truncated: " + size + " bytes, too short to hold the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES)
                throw new CheckpointException(file + ": bad header: header length " + Long.toUnsignedString(headerLen)
                        + " is not in 1.." + MAX_HEADER_BYTES + " (not a safetensors file?)");
            if (8 + headerLen > size)
                throw new CheckpointException(file + ": truncated: header needs " + headerLen + " bytes but the file has "
                        + (size - 8) + " after the length");
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

    private static Safetensors parseHeader(Path file, FileChannel ch, byte[] header, long dataStart, long dataBytes)
            throws CheckpointException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": bad header: not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new CheckpointException(file + ": bad header: " + e.getMessage());
        }
        if (root == null || !root.isObject())
            throw new CheckpointException(file + ": bad header: expected a JSON object of tensors");
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals(METADATA_KEY)) {
                if (!v.isObject()) throw new CheckpointException(file + ": bad header: __metadata__ is not an object");
                v.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(name, parseEntry(file, name, v, dataBytes));
        }
        return new Safetensors(file, ch, dataStart, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry parseEntry(Path file, String name, JsonNode v, long dataBytes) throws CheckpointException {
        String where = file + ": tensor '" + name + "': ";
        if (!v.isObject()) throw new CheckpointException(where + "bad header: entry is not an object");
        JsonNode dtypeNode = v.get("dtype"), shapeNode = v.get("shape"), offNode = v.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual())
            throw new CheckpointException(where + "bad header: missing or non-text 'dtype'");
        if (shapeNode == null || !shapeNode.isArray())
            throw new CheckpointException(where + "bad header: missing or non-array 'shape'");
        if (offNode == null || !offNode.isArray() || offNode.size() != 2)
            throw new CheckpointException(where + "bad header: 'data_offsets' must be [begin, end]");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0)
                throw new CheckpointException(where + "bad header: shape " + shapeNode + " has a non-integer or negative dimension");
            shape[i] = d.asLong();
        }
        JsonNode b = offNode.get(0), e = offNode.get(1);
        if (!b.isIntegralNumber() || !e.isIntegralNumber() || !b.canConvertToLong() || !e.canConvertToLong()
                || b.asLong() < 0 || e.asLong() < b.asLong())
            throw new CheckpointException(where + "bad header: data_offsets " + offNode + " are not 0 <= begin <= end");
        Entry entry = new Entry(name, dtypeNode.asText(), shape, b.asLong(), e.asLong());
        Integer bytes = DTYPE_BYTES.get(entry.dtype());
        if (bytes != null) {
            long count;
            try {
                count = 1;
                for (long d : shape) count = Math.multiplyExact(count, d);
                count = Math.multiplyExact(count, (long) bytes);
            } catch (ArithmeticException overflow) {
                throw new CheckpointException(where + "bad header: shape " + entry.shapeString() + " is too large");
            }
            if (entry.end() - entry.begin() != count)
                throw new CheckpointException(where + "bad header: data_offsets " + offNode + " span " + (entry.end() - entry.begin())
                        + " bytes but " + entry.dtype() + " " + entry.shapeString() + " needs " + count);
        }
        if (entry.end() > dataBytes)
            throw new CheckpointException(where + "truncated or offsets out of range: data bytes [" + entry.begin() + ", "
                    + entry.end() + ") but the file holds " + dataBytes + " bytes of data");
        return entry;
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
