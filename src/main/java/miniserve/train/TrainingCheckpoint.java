package miniserve.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import miniserve.model.GptWeights;

/**
 * Everything a training run needs to continue exactly where it stopped: the options, the
 * weights, AdamW's two moments and step count, the position in the data (epoch and batch;
 * the data order and noise of an epoch are a function of the seed, so this is the whole
 * random state), tokens and wall time so far, and the loss curve.
 *
 * <p>One file, {@value #FILE_NAME}: 8 bytes {@code MSTRAIN1}, a 4-byte little-endian length,
 * that many bytes of JSON header, then the float32 little-endian data of the parameters, the
 * first and the second moments, each in {@link GptWeights#tensors()} order. Written to a
 * temporary file and moved into place, so a run killed while saving keeps the previous one.
 */
public final class TrainingCheckpoint {
    private TrainingCheckpoint() {}

    public static final String FILE_NAME = "trainer-state.bin";
    private static final byte[] MAGIC = "MSTRAIN1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of a run after {@code step} completed steps. */
    public record State(TrainingOptions options, int step, int epoch, int batchInEpoch, long tokens, double elapsedSeconds,
                        int adamSteps, TrainingHistory history, GptWeights params, GptWeights m, GptWeights v) {
        /** The same state continued with other options (e.g. another total of steps). */
        public State withOptions(TrainingOptions newOptions) {
            return new State(newOptions, step, epoch, batchInEpoch, tokens, elapsedSeconds, adamSteps, history, params, m, v);
        }
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE_NAME));
    }

    public static void save(Path dir, State s) throws IOException {
        Files.createDirectories(dir);
        ObjectNode h = JSON.createObjectNode();
        h.put("format", "miniserve trainer checkpoint");
        h.put("version", 1);
        h.set("options", JSON.valueToTree(s.options()));
        h.put("step", s.step());
        h.put("epoch", s.epoch());
        h.put("batch_in_epoch", s.batchInEpoch());
        h.put("tokens", s.tokens());
        h.put("elapsed_seconds", s.elapsedSeconds());
        h.put("adam_steps", s.adamSteps());
        ArrayNode tensors = h.putArray("tensors");
        for (GptWeights.Tensor t : s.params().tensors().values())
            tensors.addObject().put("name", t.name()).put("length", t.data().length);
        ArrayNode hist = h.putArray("history");
        for (TrainingHistory.Row r : s.history().rows()) hist.add(TrainingHistory.csvLine(r));
        byte[] header = JSON.writeValueAsBytes(h);

        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(header.length).put(header).flip();
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (GptWeights w : new GptWeights[] {s.params(), s.m(), s.v()})
                for (GptWeights.Tensor t : w.tensors().values()) writeFloats(ch, buf, t.data());
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static State load(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, file);
            byte[] magic = new byte[MAGIC.length];
            head.flip().get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException(file + " is not a miniserve trainer checkpoint");
            int len = head.getInt();
            if (len <= 0 || len > (64 << 20)) throw new IOException(file + ": corrupt header length " + len);
            ByteBuffer hb = ByteBuffer.allocate(len);
            readFully(ch, hb, file);
            JsonNode h = JSON.readTree(hb.array());
            if (h.path("version").asInt() != 1) throw new IOException(file + ": unsupported checkpoint version " + h.path("version"));
            TrainingOptions options = JSON.treeToValue(h.get("options"), TrainingOptions.class);
            GptWeights params = new GptWeights(options.model()), m = new GptWeights(options.model()), v = new GptWeights(options.model());
            Collection<GptWeights.Tensor> expected = params.tensors().values();
            JsonNode tensors = h.get("tensors");
            int i = 0;
            for (GptWeights.Tensor t : expected) {
                JsonNode n = tensors.get(i++);
                if (n == null || !t.name().equals(n.path("name").asText()) || t.data().length != n.path("length").asInt())
                    throw new IOException(file + ": tensor list does not match the model shape " + options.model());
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            for (GptWeights w : new GptWeights[] {params, m, v})
                for (GptWeights.Tensor t : w.tensors().values()) buf = readFloats(ch, buf, t.data(), file);
            if (buf.hasRemaining() || ch.position() != ch.size()) throw new IOException(file + ": trailing bytes after the tensors");
            TrainingHistory history = new TrainingHistory();
            for (JsonNode row : h.get("history")) history.add(TrainingHistory.parseCsvLine(row.asText()));
            return new State(options, h.get("step").asInt(), h.get("epoch").asInt(), h.get("batch_in_epoch").asInt(),
                    h.get("tokens").asLong(), h.get("elapsed_seconds").asDouble(), h.get("adam_steps").asInt(), history, params, m, v);
        } catch (NoSuchFileException e) {
            throw new IOException("no checkpoint in " + dir + " (expected " + FILE_NAME + ")");
        } catch (RuntimeException e) {
            throw new IOException(file + ": malformed checkpoint (" + e.getMessage() + ")", e);
        }
    }

    private static void writeFloats(FileChannel ch, ByteBuffer buf, float[] data) throws IOException {
        int i = 0;
        while (i < data.length) {
            buf.clear();
            int n = Math.min(data.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(data, i, n);
            buf.limit(n * 4);
            writeFully(ch, buf);
            i += n;
        }
    }

    /** Fills data from buf (refilled from the channel as needed); returns the buffer with what is left. */
    private static ByteBuffer readFloats(FileChannel ch, ByteBuffer buf, float[] data, Path file) throws IOException {
        int i = 0;
        while (i < data.length) {
            if (buf.remaining() < 4) {
                buf.compact();
                int r = ch.read(buf);
                buf.flip();
                if (r < 0 && buf.remaining() < 4) throw new IOException(file + ": truncated tensor data");
                continue;
            }
            int n = Math.min(data.length - i, buf.remaining() / 4);
            buf.asFloatBuffer().get(data, i, n);
            buf.position(buf.position() + n * 4);
            i += n;
        }
        return buf;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new IOException(file + ": truncated");
    }
}
