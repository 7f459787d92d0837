package miniserve.language;

/**
 * A copy of a text with some of its stretches replaced, made left to right as a stage after the model reads
 * the text's tokens; the text itself when nothing is replaced.
 */
final class TextSplice {

    private final String text;
    private StringBuilder out;
    private int copied;

    TextSplice(String text) {
        this.text = text;
    }

    /** Puts {@code replacement} in the place of {@code text[start, end)}, which lies after every stretch replaced so far. */
    void replace(int start, int end, String replacement) {
        if (out == null) out = new StringBuilder(text.length());
        out.append(text, copied, start).append(replacement);
        copied = end;
    }

    /** The text with its replacements; the text itself (the same object) when there were none. Call once. */
    String result() {
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }
}
