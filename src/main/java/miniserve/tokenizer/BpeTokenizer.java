package miniserve.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2's byte-level BPE tokenizer over a {@code vocab.json} + {@code merges.txt} pair.
 *
 * <p>Encoding: special tokens (vocabulary entries shaped {@code <|...|>}) are cut out of the text
 * whole; the rest is split by {@link PreTokenizer}, each piece turned into UTF-8 bytes, each byte
 * into its base token, and adjacent tokens merged by rank until no ranked pair is left. Decoding
 * concatenates the tokens' bytes and reads them as UTF-8, so {@code decode(encode(s))} gives back
 * {@code s} for any string without lone surrogates.
 *
 * <p>Immutable and thread-safe. Pieces are cached (bounded) because the same words recur.
 */
public final class BpeTokenizer {

    /** Pieces longer than this are not cached (they are rare and would only crowd the cache). */
    private static final int MAX_CACHED_PIECE_CHARS = 64;
    /** The cache is emptied when it grows past this many pieces, bounding its memory. */
    private static final int MAX_CACHED_PIECES = 100_000;
    private static final String SPECIAL_OPEN = "<|", SPECIAL_CLOSE = "|>";

    private final String[] tokens;             // id -> token string
    private final Map<String, Integer> ids;    // token string -> id
    private final byte[][] tokenBytes;         // id -> the bytes it decodes to
    private final boolean[] special;           // id -> is a special token
    private final String[] specialsLongestFirst;
    private final int[] byteToken = new int[256];
    private final PairTable ranks;             // (left id, right id) -> merge rank
    private final int[] mergeResult;           // rank -> id of the merged token
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(Map<String, Integer> vocab, List<Merge> merges, String vocabName, String mergesName) {
        int n = vocab.size();
        tokens = new String[n];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int id = e.getValue();
            if (id < 0 || id >= n)
                throw new IllegalArgumentException(vocabName + ": id " + id + " of token " + VocabFiles.quote(e.getKey())
                        + " is outside 0.." + (n - 1) + " (ids must be 0..size-1, each used once)");
            if (tokens[id] != null)
                throw new IllegalArgumentException(vocabName + ": id " + id + " is given to both "
                        + VocabFiles.quote(tokens[id]) + " and " + VocabFiles.quote(e.getKey()));
            tokens[id] = e.getKey();
        }
        ids = new HashMap<>(vocab);
        tokenBytes = new byte[n][];
        special = new boolean[n];
        List<String> specials = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            String t = tokens[id];
            if (isSpecialShape(t)) {
                special[id] = true;
                specials.add(t);
                tokenBytes[id] = t.getBytes(StandardCharsets.UTF_8);
            } else {
                tokenBytes[id] = ByteLevel.toBytes(t);
                if (tokenBytes[id] == null || t.isEmpty())
                    throw new IllegalArgumentException(vocabName + ": token " + VocabFiles.quote(t) + " (id " + id
                            + ") is neither a byte-level token (GPT-2's byte alphabet) nor a special token <|...|>");
            }
        }
        specials.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        specialsLongestFirst = specials.toArray(String[]::new);
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null)
                throw new IllegalArgumentException(vocabName + ": the base token for byte " + b + " ("
                        + VocabFiles.quote(String.valueOf(ByteLevel.charOf(b))) + ") is missing; a byte-level vocabulary needs all 256");
            byteToken[b] = id;
        }

        // Ranks by token ids. A part must be a byte or made only by earlier merges: then every pair
        // a merge creates ranks after it, which is what lets encodePiece apply merges in (rank,
        // position) order from a heap and still give exactly the result of GPT-2's "merge every
        // occurrence of the best pair, repeat" loop.
        ranks = new PairTable(merges.size());
        mergeResult = new int[merges.size()];
        int[] lefts = new int[merges.size()], rights = new int[merges.size()];
        int[] lastMadeBy = new int[n];
        Arrays.fill(lastMadeBy, -1);
        for (int r = 0; r < merges.size(); r++) {
            Merge m = merges.get(r);
            Integer left = ids.get(m.left()), right = ids.get(m.right()), result = ids.get(m.merged());
            if (left == null || right == null)
                throw new IllegalArgumentException(mergeName(mergesName, r, m) + " uses a token missing from " + vocabName);
            if (result == null)
                throw new IllegalArgumentException(mergeName(mergesName, r, m) + " makes " + VocabFiles.quote(m.merged())
                        + ", which is missing from " + vocabName);
            if (special[left] || special[right] || special[result])
                throw new IllegalArgumentException(mergeName(mergesName, r, m) + " merges into or from a special token");
            if (!ranks.putIfAbsent(left, right, r))
                throw new IllegalArgumentException(mergeName(mergesName, r, m) + " repeats an earlier merge");
            lefts[r] = left;
            rights[r] = right;
            mergeResult[r] = result;
            lastMadeBy[result] = r;
        }
        boolean[] isByte = new boolean[n];
        for (int b = 0; b < 256; b++) isByte[byteToken[b]] = true;
        for (int r = 0; r < merges.size(); r++) {
            for (int part : new int[]{lefts[r], rights[r]}) {
                if (!isByte[part] && (lastMadeBy[part] < 0 || lastMadeBy[part] >= r))
                    throw new IllegalArgumentException(mergeName(mergesName, r, merges.get(r)) + " uses "
                            + VocabFiles.quote(tokens[part]) + ", which is neither a byte nor made only by earlier merges");
            }
        }
    }

    private static String mergeName(String file, int rank, Merge m) {
        return file + ": merge " + (rank + 1) + " (" + VocabFiles.quote(m.left() + " " + m.right()) + ")";
    }

    /** Loads GPT-2's tokenizer files; a missing or malformed file fails with a message naming it. */
    public static BpeTokenizer load(Path vocabJson, Path mergesTxt) {
        return new BpeTokenizer(VocabFiles.readVocab(vocabJson), VocabFiles.readMerges(mergesTxt),
                vocabJson.toString(), mergesTxt.toString());
    }

    /** A tokenizer over an in-memory vocabulary (token → id, ids 0..size-1) and merges in rank order. */
    public static BpeTokenizer of(Map<String, Integer> vocab, List<Merge> merges) {
        return new BpeTokenizer(vocab, merges, "vocabulary", "merges");
    }

    /** Whether a token string has the shape of a special token: {@code <|...|>}. */
    public static boolean isSpecialShape(String token) {
        return token.length() > 4 && token.startsWith(SPECIAL_OPEN) && token.endsWith(SPECIAL_CLOSE);
    }

    public int vocabSize() {
        return tokens.length;
    }

    /** The id of a token string (its vocabulary form, e.g. {@code "Ġworld"} or {@code "<|endoftext|>"}). */
    public int tokenId(String token) {
        Integer id = ids.get(token);
        if (id == null) throw new IllegalArgumentException("unknown token " + VocabFiles.quote(token));
        return id;
    }

    /** The vocabulary form of a token id. */
    public String token(int id) {
        checkId(id);
        return tokens[id];
    }

    public boolean isSpecial(int id) {
        checkId(id);
        return special[id];
    }

    /** Token ids of {@code text}, with special tokens written in the text kept whole. */
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(8, text.length() / 3));
        int from = 0;
        int open = specialsLongestFirst.length == 0 ? -1 : text.indexOf(SPECIAL_OPEN);
        while (open >= 0) {
            String found = specialAt(text, open);
            if (found != null) {
                encodeOrdinary(text, from, open, out);
                out.add(ids.get(found));
                from = open + found.length();
                open = text.indexOf(SPECIAL_OPEN, from);
            } else {
                open = text.indexOf(SPECIAL_OPEN, open + 1);
            }
        }
        encodeOrdinary(text, from, text.length(), out);
        return out.toArray();
    }

    /** Token ids of {@code text} read as plain text: {@code <|...|>} in it is encoded like any other characters. */
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList(Math.max(8, text.length() / 3));
        encodeOrdinary(text, 0, text.length(), out);
        return out.toArray();
    }

    /** The text of some token ids. Bytes that do not form valid UTF-8 read as U+FFFD. */
    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /** The text of {@code ids[from, to)}. */
    public String decode(int[] ids, int from, int to) {
        return new String(decodeBytes(ids, from, to), StandardCharsets.UTF_8);
    }

    /** The bytes of {@code ids[from, to)}, for callers that stream partial UTF-8 sequences. */
    public byte[] decodeBytes(int[] ids, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, ids.length);
        int size = 0;
        for (int i = from; i < to; i++) {
            checkId(ids[i]);
            size += tokenBytes[ids[i]].length;
        }
        byte[] out = new byte[size];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte[] b = tokenBytes[ids[i]];
            System.arraycopy(b, 0, out, n, b.length);
            n += b.length;
        }
        return out;
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length)
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (tokens.length - 1) + ")");
    }

    private String specialAt(String text, int at) {
        for (String s : specialsLongestFirst) if (text.startsWith(s, at)) return s;
        return null;
    }

    private void encodeOrdinary(String text, int from, int to, IntList out) {
        PreTokenizer.split(text, from, to, (s, e) -> {
            if (e - s > MAX_CACHED_PIECE_CHARS) {
                out.addAll(encodePiece(ByteLevel.utf8(text, s, e)));
                return;
            }
            String piece = text.substring(s, e);
            int[] pieceIds = cache.get(piece);
            if (pieceIds == null) {
                pieceIds = encodePiece(ByteLevel.utf8(piece, 0, piece.length()));
                if (cache.size() >= MAX_CACHED_PIECES) cache.clear();
                cache.put(piece, pieceIds);
            }
            out.addAll(pieceIds);
        });
    }

    /**
     * BPE of one piece. Symbols form a linked list; candidate pairs wait in a heap ordered by
     * (rank, position), and a popped pair is applied only if it is still there. Because merges
     * only ever create pairs of higher rank (checked at load), this applies every occurrence of
     * the best pair left to right before any other, as GPT-2's quadratic loop does, in O(n log n).
     */
    int[] encodePiece(byte[] bytes) {
        int n = bytes.length;
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) sym[i] = byteToken[bytes[i] & 0xFF];
        if (n < 2) return sym;
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            int r = ranks.get(sym[i], sym[i + 1]);
            if (r >= 0) heap.push(((long) r << 32) | i);
        }
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int r = (int) (top >>> 32), i = (int) top;
            int j = next[i];
            // stale: i was absorbed by its left neighbour (sym -1), or the pair at i has changed
            if (sym[i] < 0 || j < 0 || ranks.get(sym[i], sym[j]) != r) continue;
            sym[i] = mergeResult[r];
            sym[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) prev[next[j]] = i;
            alive--;
            int p = prev[i];
            if (p >= 0) {
                int rp = ranks.get(sym[p], sym[i]);
                if (rp >= 0) heap.push(((long) rp << 32) | p);
            }
            int q = next[i];
            if (q >= 0) {
                int rq = ranks.get(sym[i], sym[q]);
                if (rq >= 0) heap.push(((long) rq << 32) | i);
            }
        }
        int[] out = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    /** Open-addressing map from a pair of token ids to a merge rank. */
    private static final class PairTable {
        private final long[] keys;
        private final int[] values;
        private final int mask;

        PairTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2)) << 1;
            keys = new long[cap];
            values = new int[cap];
            Arrays.fill(values, -1);
            mask = cap - 1;
        }

        private static long key(int a, int b) {
            return ((long) a << 32) | (b & 0xFFFFFFFFL);
        }

        private int slot(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 40) & mask;
        }

        boolean putIfAbsent(int a, int b, int value) {
            long k = key(a, b);
            int s = slot(k);
            while (values[s] >= 0) {
                if (keys[s] == k) return false;
                s = (s + 1) & mask;
            }
            keys[s] = k;
            values[s] = value;
            return true;
        }

        /** The rank of the pair, or -1. */
        int get(int a, int b) {
            long k = key(a, b);
            int s = slot(k);
            while (values[s] >= 0) {
                if (keys[s] == k) return values[s];
                s = (s + 1) & mask;
            }
            return -1;
        }
    }

    /** Binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) break;
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= last) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = last;
            return top;
        }
    }

    /** Growable int array. */
    private static final class IntList {
        private int[] a;
        private int size;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2 + 1);
            a[size++] = v;
        }

        void addAll(int[] vs) {
            if (size + vs.length > a.length) a = Arrays.copyOf(a, Math.max(size + vs.length, size * 2));
            System.arraycopy(vs, 0, a, size, vs.length);
            size += vs.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
