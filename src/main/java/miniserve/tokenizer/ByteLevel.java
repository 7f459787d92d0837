package miniserve.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's byte-level alphabet: every byte 0..255 stands for one printable Unicode character, so
 * that BPE tokens are ordinary strings without whitespace or control characters. Printable bytes
 * ({@code '!'..'~'}, {@code '¡'..'¬'}, {@code '®'..'ÿ'}) stand for themselves; the other 68 bytes
 * are given the characters U+0100, U+0101, ... in byte order (so the space 0x20 is {@code 'Ġ'},
 * U+0120). This is the table of OpenAI's {@code bytes_to_unicode} in GPT-2's {@code encoder.py}.
 */
public final class ByteLevel {

    /** Character standing for each byte. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Byte for each character of the alphabet, -1 for characters outside it. */
    private static final int[] CHAR_TO_BYTE = new int[0x100 + 68];
    /** The 256 bytes in GPT-2's vocabulary order: printable bytes first, then the remapped ones. */
    private static final int[] BYTES_IN_VOCAB_ORDER = new int[256];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int order = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                BYTES_IN_VOCAB_ORDER[order++] = b;
            }
        }
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                BYTE_TO_CHAR[b] = (char) next++;
                BYTES_IN_VOCAB_ORDER[order++] = b;
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    private ByteLevel() {}

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character of the alphabet stands for, or -1 if {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The {@code i}-th byte in GPT-2's vocabulary order (ids 0..255 of GPT-2's {@code encoder.json}). */
    public static int byteInVocabOrder(int i) {
        return BYTES_IN_VOCAB_ORDER[i];
    }

    /** The byte-level string of some bytes: one alphabet character per byte. */
    public static String toSymbols(byte[] bytes, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) out[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The bytes of a byte-level string; null if a character is outside the alphabet. */
    public static byte[] toBytes(String symbols) {
        byte[] out = new byte[symbols.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(symbols.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }

    /**
     * UTF-8 bytes of {@code s[from, to)}. A lone surrogate becomes U+FFFD (EF BF BD), as the WHATWG
     * {@code TextEncoder} and Python's {@code errors="replace"} do, rather than Java's {@code '?'}.
     */
    public static byte[] utf8(CharSequence s, int from, int to) {
        byte[] out = new byte[(to - from) * 3];
        int n = 0;
        for (int i = from; i < to; ) {
            char c = s.charAt(i);
            int cp;
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(i + 1));
                i += 2;
            } else {
                cp = Character.isSurrogate(c) ? 0xFFFD : c;
                i++;
            }
            if (cp < 0x80) {
                out[n++] = (byte) cp;
            } else if (cp < 0x800) {
                out[n++] = (byte) (0xC0 | (cp >> 6));
                out[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                out[n++] = (byte) (0xE0 | (cp >> 12));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[n++] = (byte) (0xF0 | (cp >> 18));
                out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
