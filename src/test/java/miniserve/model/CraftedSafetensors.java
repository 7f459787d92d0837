package miniserve.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Safetensors files built byte by byte for tests, independently of the project's writer. */
final class CraftedSafetensors {
    private CraftedSafetensors() {}

    /** A tensor to put in a hand-built file: dtype, shape and the raw little-endian bytes. */
    record Raw(String dtype, long[] shape, byte[] bytes) {}

    /** A well-formed file: the tensors in the given order, back to back, with {@code "format": "pt"} metadata. */
    static byte[] safetensors(Map<String, Raw> tensors) {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long off = 0;
        for (Map.Entry<String, Raw> e : tensors.entrySet()) {
            Raw r = e.getValue();
            h.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(r.dtype()).append("\",\"shape\":")
                    .append(Arrays.toString(r.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(off).append(',').append(off + r.bytes().length).append("]}");
            off += r.bytes().length;
        }
        h.append('}');
        return withHeader(h.toString(), tensors.values().stream().map(Raw::bytes).toList());
    }

    /** The 8-byte length of {@code header}'s UTF-8 bytes, those bytes, then {@code data}: whatever they are. */
    static byte[] withHeader(String header, List<byte[]> data) {
        return withHeader(header.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] withHeader(byte[] header, List<byte[]> data) {
        return withHeader(header.length, header, data);
    }

    /** As above with a header length that need not be the header's: a lying length field. */
    static byte[] withHeader(long headerLength, byte[] header, List<byte[]> data) {
        int total = 8 + header.length + data.stream().mapToInt(d -> d.length).sum();
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(headerLength).put(header);
        data.forEach(buf::put);
        return buf.array();
    }

    static byte[] f32(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    static byte[] u16(short[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) b.putShort(s);
        return b.array();
    }
}
