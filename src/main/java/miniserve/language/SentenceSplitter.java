package miniserve.language;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Cuts a learner's text into the pieces the tutor corrects one at a time: its sentences, found by the
 * JDK's {@link BreakIterator} (English rules), and a sentence longer than the model takes cut further at
 * its clause boundaries. Every offset is a UTF-16 index into the text (what a JavaScript string counts),
 * end exclusive, and every piece is the text's own characters there, with no surrounding white space.
 *
 * <p>A line break always ends a sentence: learners write titles, greetings and lists on lines of their
 * own, without a full stop, and the iterator alone would run them into the next line. A hard-wrapped
 * paragraph is cut at its line ends for the same reason.
 *
 * <p>The iterator's rules know no abbreviations: "Mr. Smith" is cut after "Mr.", and an ordinal list
 * "1. First" after "1.". Each piece is still corrected; only its context is shorter. A full stop before a
 * word in lower case ends no sentence for them ("e.g. this"); but learners often start a sentence in lower
 * case ("I like it. my sister too."), so a full stop, "!" or "?" after an ordinary word (two letters or more,
 * no abbreviation of {@link #ABBREVIATIONS}, not the end of "e.g.") ends a sentence before a lower-case word
 * too, and the tutor then gives that sentence its capital.
 */
public final class SentenceSplitter {

    /**
     * One piece of a text: {@code text.substring(start, end)}. A piece the model cannot take even after
     * cutting at every clause boundary has a {@code reason} (it is left as it is); else {@code reason} is null.
     */
    public record Piece(int start, int end, String text, String reason) {
        public Piece {
            if (start < 0 || end <= start) throw new IllegalArgumentException("bad piece [" + start + ", " + end + ")");
            if (text.length() != end - start) throw new IllegalArgumentException("the piece's text is not its span");
        }

        /** Whether the model takes the piece (it has no reason to be left alone). */
        public boolean fits() {
            return reason == null;
        }
    }

    /**
     * Words that open a clause. A comma before one of them is the best place to cut a long sentence:
     * each side is a clause that reads on its own.
     */
    private static final Set<String> CONJUNCTIONS = Set.of(
            "and", "but", "or", "nor", "so", "yet", "for", "because", "although", "though", "while", "whereas", "which",
            "who", "whom", "whose", "where", "when", "whenever", "if", "unless", "until", "since", "after", "before",
            "as", "however", "then", "that");

    /** Words that a full stop shortens and a lower-case word may follow: "etc. and", "approx. two". */
    private static final Set<String> ABBREVIATIONS = Set.of("etc", "vs", "approx", "incl", "esp", "cf", "al", "mr", "mrs", "ms",
            "dr", "st", "no", "nos", "pp", "ca", "fig", "figs", "vol", "dept", "ed", "eds", "min", "max", "sec", "hr", "hrs",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri",
            "sat", "sun", "inc", "ltd", "co", "corp", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "rev", "ave", "blvd", "rd");

    private SentenceSplitter() {}

    /** The text's sentences, in order: trimmed, none blank. */
    public static List<Piece> sentences(String text) {
        // A copy with every line break made a paragraph separator, which ends a sentence for the iterator;
        // one character for one, so the offsets are the text's.
        char[] lines = text.toCharArray();
        for (int i = 0; i < lines.length; i++) if (lines[i] == '\n' || lines[i] == '\r') lines[i] = '\u2029';
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(new String(lines));
        List<Piece> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            Piece p = trimmed(text, start, end);
            if (p == null) continue;
            Piece previous = out.isEmpty() ? null : out.getLast();
            // The iterator sometimes cuts a sentence's full stop off ("I am happy" | "." before a symbol or at
            // the end); a piece without a word joins the sentence before it on the same line.
            if (previous != null && !hasWord(p.text()) && !hasLineBreak(text, previous.end(), p.start()))
                out.set(out.size() - 1, new Piece(previous.start(), p.end(), text.substring(previous.start(), p.end()), null));
            else out.add(p);
        }
        List<Piece> split = new ArrayList<>(out.size());
        for (Piece p : out) split.addAll(atLowerCaseStarts(text, p));
        return split;
    }

    /** {@code p} cut after each full stop, "!" or "?" that ends an ordinary word and comes before a word in lower case. */
    private static List<Piece> atLowerCaseStarts(String text, Piece p) {
        List<Piece> out = new ArrayList<>();
        int start = p.start();
        for (int i = p.start() + 1; i < p.end() - 1; i++) {
            if (".!?".indexOf(text.charAt(i)) < 0 || !isSpace(text.charAt(i + 1))) continue;
            int next = i + 1;
            while (next < p.end() && isSpace(text.charAt(next))) next++;
            if (next == p.end() || !Character.isLowerCase(text.charAt(next))) continue;
            int word = i;
            while (word > start && Character.isLetter(text.charAt(word - 1))) word--;
            String before = text.substring(word, i).toLowerCase(Locale.ROOT);
            boolean abbreviation = before.length() < 2 || ABBREVIATIONS.contains(before) || word > 0 && text.charAt(word - 1) == '.';
            if (text.charAt(i) == '.' && abbreviation) continue;
            if (before.isEmpty()) continue;   // "3. apples", "!!! and": no word ends there
            Piece piece = trimmed(text, start, i + 1);
            if (piece != null) out.add(piece);
            start = i + 1;
        }
        Piece last = trimmed(text, start, p.end());
        if (last != null) out.add(last);
        return out;
    }

    private static boolean hasWord(String s) {
        return s.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    private static boolean hasLineBreak(String text, int from, int to) {
        for (int i = from; i < to; i++) if (text.charAt(i) == '\n' || text.charAt(i) == '\r') return true;
        return false;
    }

    /**
     * The text's pieces for a model that takes at most {@code maxTokens} tokens of a sentence, counted by
     * {@code tokens}: its sentences, each one that is too long cut at clause boundaries into pieces that
     * fit. Cuts go first after a ";", ":" or a full stop, "!" or "?" inside the sentence, or after a comma
     * before a word that opens a clause ("and", "because", "which", ...); a piece still too long is cut after
     * any comma too. Each cut goes at
     * the last boundary that keeps the piece within the limit, so pieces are as long as they may be. A piece
     * that has no boundary to cut it small enough is returned with a reason.
     */
    public static List<Piece> pieces(String text, ToIntFunction<String> tokens, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        List<Piece> out = new ArrayList<>();
        for (Piece sentence : sentences(text)) {
            if (tokens.applyAsInt(sentence.text()) <= maxTokens) {
                out.add(sentence);
                continue;
            }
            for (Piece clause : cut(text, sentence, tokens, maxTokens, true)) {
                if (tokens.applyAsInt(clause.text()) <= maxTokens) {
                    out.add(clause);
                    continue;
                }
                for (Piece p : cut(text, clause, tokens, maxTokens, false)) {
                    int n = tokens.applyAsInt(p.text());
                    out.add(n <= maxTokens ? p : new Piece(p.start(), p.end(), p.text(), tooLong(n, maxTokens)));
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code piece} of {@code text} begins inside a sentence: a clause that a cut after a comma,
     * semicolon or colon on the same line left. Its first word wants no capital.
     */
    public static boolean continuesSentence(String text, Piece piece) {
        int i = piece.start() - 1;
        while (i >= 0 && isSpace(text.charAt(i)) && text.charAt(i) != '\n' && text.charAt(i) != '\r') i--;
        return i >= 0 && ",;:".indexOf(text.charAt(i)) >= 0;
    }

    private static String tooLong(int tokens, int maxTokens) {
        return "this part of the text is " + tokens + " tokens long and has no comma, semicolon or colon to split it at; "
                + "the model takes at most " + maxTokens + " (split it into shorter sentences)";
    }

    /**
     * Cuts a piece at its boundaries (only the strong ones if {@code strong}), greedily: each new piece ends
     * at the last boundary within the limit, or at the first boundary when even that is too far.
     */
    private static List<Piece> cut(String text, Piece piece, ToIntFunction<String> tokens, int maxTokens, boolean strong) {
        List<Integer> boundaries = boundaries(text, piece, strong);
        List<Piece> out = new ArrayList<>();
        int start = piece.start();
        int next = 0; // the first boundary after start
        while (true) {
            while (next < boundaries.size() && boundaries.get(next) <= start) next++;
            if (next == boundaries.size() || fits(text, start, piece.end(), tokens, maxTokens)) {
                out.add(trimmed(text, start, piece.end()));
                return out;
            }
            int end = boundaries.get(next);
            for (int k = next + 1; k < boundaries.size() && fits(text, start, boundaries.get(k), tokens, maxTokens); k++)
                end = boundaries.get(k);
            out.add(trimmed(text, start, end));
            start = end;
        }
    }

    private static boolean fits(String text, int start, int end, ToIntFunction<String> tokens, int maxTokens) {
        return tokens.applyAsInt(text.substring(start, end).strip()) <= maxTokens;
    }

    /**
     * The places inside the piece where it may be cut: just after a ",", ";", ":", ".", "!" or "?" that is
     * followed by white space and more of the piece (strong: all but a "," that comes before a word that
     * opens no clause). A full stop inside a sentence is one the iterator took for an abbreviation's, or one
     * before a word in lower case ("I like it. my sister too."): a place to cut when the sentence is too long.
     */
    private static List<Integer> boundaries(String text, Piece piece, boolean strong) {
        List<Integer> out = new ArrayList<>();
        for (int i = piece.start(); i < piece.end() - 1; i++) {
            char c = text.charAt(i);
            if (",;:.!?".indexOf(c) < 0 || !isSpace(text.charAt(i + 1))) continue;
            int word = i + 1;
            while (word < piece.end() && isSpace(text.charAt(word))) word++;
            if (word == piece.end()) continue;
            if (strong && c == ',' && !CONJUNCTIONS.contains(firstWord(text, word, piece.end()))) continue;
            out.add(i + 1);
        }
        return out;
    }

    private static String firstWord(String text, int from, int to) {
        int end = from;
        while (end < to && Character.isLetter(text.charAt(end))) end++;
        return text.substring(from, end).toLowerCase(Locale.ROOT);
    }

    /** {@code [start, end)} without the white space at its ends, or null when nothing else is left. */
    private static Piece trimmed(String text, int start, int end) {
        while (start < end && isSpace(text.charAt(start))) start++;
        while (end > start && isSpace(text.charAt(end - 1))) end--;
        return start == end ? null : new Piece(start, end, text.substring(start, end), null);
    }

    /** White space as {@link WordDiff#tokenize} skips it (no-break spaces included). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
