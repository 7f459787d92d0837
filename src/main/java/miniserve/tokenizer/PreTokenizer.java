package miniserve.tokenizer;

/**
 * GPT-2's pre-tokenization: splits text into the pieces BPE works on, exactly as the pattern
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * matched repeatedly (leftmost alternative first) over code points. Written as a scanner rather
 * than a regular expression because it runs on the request path, and because the meaning of
 * {@code \s} must be fixed: here it is ECMAScript's white space (the reference implementation,
 * the npm package {@code gpt-3-encoder}, runs the pattern in JavaScript), i.e. TAB, LF, VT, FF,
 * CR, U+FEFF, U+2028, U+2029 and the space separators (category Zs). Java's {@code \s} would
 * miss most of these.
 *
 * <p>Every character belongs to exactly one piece, so the pieces concatenate back to the text.
 */
public final class PreTokenizer {

    /** Receives one piece as the char range {@code [from, to)} of the text. */
    @FunctionalInterface
    public interface PieceSink {
        void piece(int from, int to);
    }

    private static final int OTHER = 0, LETTER = 1, NUMBER = 2, SPACE = 3;

    private PreTokenizer() {}

    /** Calls {@code sink} with each piece of {@code text[from, to)}, left to right. */
    public static void split(CharSequence text, int from, int to, PieceSink sink) {
        int i = from;
        while (i < to) {
            int end = pieceEnd(text, i, to);
            sink.piece(i, end);
            i = end;
        }
    }

    /** Where the piece starting at {@code i} ends. */
    private static int pieceEnd(CharSequence text, int i, int to) {
        char c = text.charAt(i);
        if (c == '\'') {
            int contraction = contractionEnd(text, i, to);
            if (contraction > 0) return contraction;
        }
        if (c == ' ' && i + 1 < to) {
            int cls = classOf(Character.codePointAt(text, i + 1));
            if (cls != SPACE) return runEnd(text, i + 1, to, cls);
        }
        int cp = Character.codePointAt(text, i);
        int cls = classOf(cp);
        if (cls != SPACE) return runEnd(text, i, to, cls);
        // \s+(?!\S): a whitespace run, leaving its last character to the next piece when a
        // non-space follows (so " word" keeps its space); a run of one then falls to \s+.
        int runEnd = runEnd(text, i, to, SPACE);
        if (runEnd == to) return runEnd;
        int lastStart = runEnd - Character.charCount(Character.codePointBefore(text, runEnd));
        return lastStart > i ? lastStart : runEnd;
    }

    /** End of {@code 's 't 're 've 'm 'll 'd} at {@code i}, or -1. Case-sensitive, as GPT-2. */
    private static int contractionEnd(CharSequence text, int i, int to) {
        if (i + 1 >= to) return -1;
        char a = text.charAt(i + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
        if (i + 2 >= to) return -1;
        char b = text.charAt(i + 2);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
        return -1;
    }

    /** End of the maximal run of code points of class {@code cls} starting at {@code i}. */
    private static int runEnd(CharSequence text, int i, int to, int cls) {
        while (i < to) {
            int cp = Character.codePointAt(text, i);
            if (classOf(cp) != cls) break;
            i += Character.charCount(cp);
        }
        return Math.min(i, to);
    }

    private static int classOf(int cp) {
        if (cp < 0x80) {
            if (cp == ' ' || (cp >= '\t' && cp <= '\r')) return SPACE;
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return LETTER;
            if (cp >= '0' && cp <= '9') return NUMBER;
            return OTHER;
        }
        if (isEcmaScriptSpace(cp)) return SPACE;
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> {
                return LETTER;
            }
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> {
                return NUMBER;
            }
            default -> {
                return OTHER;
            }
        }
    }

    /** ECMAScript WhiteSpace and LineTerminator above ASCII: U+FEFF, U+2028, U+2029 and Zs. */
    private static boolean isEcmaScriptSpace(int cp) {
        return cp == 0xFEFF || cp == 0x2028 || cp == 0x2029
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }
}
