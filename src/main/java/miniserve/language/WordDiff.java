package miniserve.language;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Word-level difference between a learner's sentence and its correction.
 *
 * <p>Sentences are split into words and punctuation marks ({@link #tokenize}), each token keeping its
 * character offsets, so an edit can quote the learner's own text. The two token sequences are aligned
 * by a longest common subsequence; the tokens outside it form the changes, consecutive ones grouped
 * into one change. A word that moved by a token or two (a deletion and an insertion of the same
 * words close together) is reported as one change covering both, so "car red" → "red car" is one
 * word-order edit rather than two.
 */
public final class WordDiff {

    /** A word or punctuation mark and its place in the sentence: {@code text == sentence.substring(start, end)}. */
    public record Token(String text, int start, int end) {
        /** True when the token starts with a letter or digit (a word or number, not punctuation). */
        public boolean isWord() {
            return Character.isLetterOrDigit(text.codePointAt(0));
        }
    }

    /**
     * A change: source tokens {@code [srcStart, srcEnd)} become target tokens {@code [tgtStart, tgtEnd)}.
     * An insertion has an empty source span, a deletion an empty target span.
     */
    public record Change(int srcStart, int srcEnd, int tgtStart, int tgtEnd) {
        public boolean isInsertion() {
            return srcStart == srcEnd;
        }

        public boolean isDeletion() {
            return tgtStart == tgtEnd;
        }
    }

    /** How far (in unchanged tokens) a deleted word may travel and still count as moved. */
    private static final int MAX_MOVE_GAP = 2;

    private WordDiff() {
    }

    /** Token {@code k} in lower case; "" outside the list. */
    static String lower(List<Token> tokens, int k) {
        return k >= 0 && k < tokens.size() ? tokens.get(k).text().toLowerCase(Locale.ROOT) : "";
    }

    /**
     * Splits a sentence into tokens. A word is a run of letters, digits and combining marks, with
     * inner apostrophes and hyphens ("don't", "well-known"); a number may have inner '.', ',' or ':'
     * ("3.5", "1,000", "10:30"). A run of one repeated punctuation mark ("...", "!!") is one token;
     * any other non-space character is a token of its own.
     */
    public static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            if (isWordChar(cp)) {
                i = endOfWord(text, i);
            } else {
                i += Character.charCount(cp);
                while (i < n && text.codePointAt(i) == cp) i += Character.charCount(cp);
            }
            tokens.add(new Token(text.substring(start, i), start, i));
        }
        return tokens;
    }

    private static boolean isWordChar(int cp) {
        int type = Character.getType(cp);
        return Character.isLetterOrDigit(cp) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static int endOfWord(String text, int i) {
        int n = text.length();
        boolean number = Character.isDigit(text.codePointAt(i));
        while (i < n) {
            int cp = text.codePointAt(i);
            if (isWordChar(cp)) {
                if (!Character.isDigit(cp)) number = false;
                i += Character.charCount(cp);
                continue;
            }
            // A joiner stays inside the word only when a word character follows it.
            boolean joiner = cp == '\'' || cp == '\u2019' || cp == '-'
                    || (number && (cp == '.' || cp == ',' || cp == ':'));
            int next = i + Character.charCount(cp);
            if (joiner && next < n && isWordChar(text.codePointAt(next))
                    && (!number || cp == '-' || cp == '\'' || Character.isDigit(text.codePointAt(next)))) {
                i = next;
                continue;
            }
            break;
        }
        return i;
    }

    /** The changes that turn {@code source} into {@code target}, in order, non-overlapping. */
    public static List<Change> changes(List<Token> source, List<Token> target) {
        int n = source.size();
        int m = target.size();
        // lcs[i][j] = length of the longest common subsequence of source[i..] and target[j..].
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = source.get(i).text().equals(target.get(j).text())
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Change> changes = new ArrayList<>();
        int i = 0, j = 0;
        int openI = -1, openJ = -1; // start of the change being grown, -1 when none
        while (i < n || j < m) {
            boolean match = i < n && j < m && source.get(i).text().equals(target.get(j).text())
                    && lcs[i][j] == lcs[i + 1][j + 1] + 1;
            if (match) {
                if (openI >= 0) {
                    changes.add(new Change(openI, i, openJ, j));
                    openI = -1;
                }
                i++;
                j++;
                continue;
            }
            if (openI < 0) {
                openI = i;
                openJ = j;
            }
            if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) i++;
            else j++;
        }
        if (openI >= 0) changes.add(new Change(openI, n, openJ, m));
        return mergeMoves(changes, source, target);
    }

    /** Joins a deletion and a nearby insertion of the same words into one change (a moved word). */
    private static List<Change> mergeMoves(List<Change> changes, List<Token> source, List<Token> target) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes) {
            if (!out.isEmpty()) {
                Change prev = out.get(out.size() - 1);
                boolean near = c.srcStart() - prev.srcEnd() <= MAX_MOVE_GAP;
                boolean moved = (prev.isDeletion() && c.isInsertion()
                        && sameWords(source, prev.srcStart(), prev.srcEnd(), target, c.tgtStart(), c.tgtEnd()))
                        || (prev.isInsertion() && c.isDeletion()
                        && sameWords(target, prev.tgtStart(), prev.tgtEnd(), source, c.srcStart(), c.srcEnd()));
                if (near && moved) {
                    out.set(out.size() - 1, new Change(prev.srcStart(), c.srcEnd(), prev.tgtStart(), c.tgtEnd()));
                    continue;
                }
            }
            out.add(c);
        }
        return out;
    }

    private static boolean sameWords(List<Token> a, int aFrom, int aTo, List<Token> b, int bFrom, int bTo) {
        if (aTo - aFrom != bTo - bFrom || aTo == aFrom) return false;
        for (int k = 0; k < aTo - aFrom; k++) {
            if (!a.get(aFrom + k).text().equalsIgnoreCase(b.get(bFrom + k).text())) return false;
        }
        return true;
    }

    /** The sentence's own text for tokens {@code [from, to)}, spacing included; "" for an empty span. */
    public static String text(String sentence, List<Token> tokens, int from, int to) {
        if (from >= to) return "";
        return sentence.substring(tokens.get(from).start(), tokens.get(to - 1).end());
    }

    /** Character offsets {@code [start, end)} in a sentence; {@code start == end} is a point between two characters. */
    public record Span(int start, int end) {}

    /**
     * Where tokens {@code [from, to)} of a sentence are in it, in characters (UTF-16 indices): from the
     * first token's start to the last one's end, so {@code sentence.substring(start, end)} is what
     * {@link #text} quotes. An empty span (an insertion of {@code replacement}) is the point where the
     * replacement goes: right after the word before it when the replacement leans on that word (",", ".",
     * "'s": no space between them, see {@link #spaceBetween}), else at the start of the word after it; at
     * the sentence's end, after its last token.
     *
     * @param tokens the sentence's tokens, as {@link #tokenize} gives them
     */
    public static Span span(List<Token> tokens, int from, int to, String replacement) {
        if (from < 0 || to < from || to > tokens.size())
            throw new IllegalArgumentException("tokens [" + from + ", " + to + ") of a sentence of " + tokens.size());
        if (from < to) return new Span(tokens.get(from).start(), tokens.get(to - 1).end());
        if (tokens.isEmpty()) return new Span(0, 0);
        boolean leansLeft = from > 0 && !spaceBetween(tokens.get(from - 1).text(), replacement);
        int point = from == tokens.size() || leansLeft ? tokens.get(from - 1).end() : tokens.get(from).start();
        return new Span(point, point);
    }

    /**
     * The sentence with some of its edits made and the rest of it as the learner wrote it. Each
     * edit's replacement takes the place of its tokens ({@link Edit#start()} to {@link Edit#end()},
     * as {@link #tokenize} splits the sentence); an insertion goes where {@link #span} puts it,
     * spaced as ordinary English spaces it; a deletion takes one space with it (the one before
     * it, or after it at the sentence's start). With all the edits that turn a sentence into its
     * correction, this gives the correction back, up to spacing.
     *
     * @throws IllegalArgumentException if two edits overlap or one lies outside the sentence
     */
    public static String apply(String sentence, List<Edit> edits) {
        List<Token> tokens = tokenize(sentence);
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
        for (int k = 1; k < sorted.size(); k++) {
            Edit a = sorted.get(k - 1), b = sorted.get(k);
            if (b.start() < a.end() || (b.start() == a.start() && a.start() == a.end()))
                throw new IllegalArgumentException("edits " + a + " and " + b + " overlap");
        }
        StringBuilder text = new StringBuilder(sentence);
        // From the last edit to the first, so that each edit's offsets still hold when it is made.
        for (int k = sorted.size() - 1; k >= 0; k--) {
            Edit e = sorted.get(k);
            String replacement = e.replacement();
            Span at = span(tokens, e.start(), e.end(), replacement);
            if (e.start() < e.end() && !replacement.isEmpty()) {
                text.replace(at.start(), at.end(), replacement);
            } else if (e.start() < e.end()) {
                int from = at.start(), to = at.end();
                if (from > 0 && Character.isWhitespace(text.charAt(from - 1))) from--;
                else if (from == 0 && to < text.length() && Character.isWhitespace(text.charAt(to))) to++;
                text.delete(from, to);
            } else if (!replacement.isEmpty()) {
                int point = at.start();
                Token before = e.start() > 0 ? tokens.get(e.start() - 1) : null;
                Token after = e.start() < tokens.size() ? tokens.get(e.start()) : null;
                boolean spaceBefore = before != null && before.end() == point && spaceBetween(before.text(), replacement);
                boolean spaceAfter = after != null && after.start() == point && spaceBetween(replacement, after.text());
                text.insert(point, (spaceBefore ? " " : "") + replacement + (spaceAfter ? " " : ""));
            }
        }
        return text.toString();
    }

    /** Joins tokens into text with ordinary English spacing (see {@link #spaceBetween}). */
    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        String prev = null;
        for (String t : tokens) {
            if (prev != null && spaceBetween(prev, t)) sb.append(' ');
            sb.append(t);
            prev = t;
        }
        return sb.toString();
    }

    /** Whether ordinary English spacing puts a space between two adjacent tokens. */
    public static boolean spaceBetween(String prev, String next) {
        if (next.isEmpty() || prev.isEmpty()) return false;
        char first = next.charAt(0);
        if (".,;:!?)]}%".indexOf(first) >= 0) return false;
        if (next.toLowerCase(Locale.ROOT).startsWith("n't") || next.equals("'s")) return false;
        char last = prev.charAt(prev.length() - 1);
        return "([{$#".indexOf(last) < 0;
    }
}
