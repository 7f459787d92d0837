package miniserve.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import miniserve.language.Lexicon;
import miniserve.language.WordDiff;

/**
 * Decides whether the model's output can be shown to a learner as a correction of their
 * sentence. A grammar correction keeps most of the learner's words; an output that does not
 * (a model that drifted, looped, or was never trained) is refused, and so is one that brings in
 * a word that is neither English nor the learner's, or one that changes a number or an address
 * the learner wrote; the tutor then returns the sentence unchanged with the reason.
 */
public final class OutputCheck {

    /**
     * Below this share of shared words (counted against the longer of the two) the output is a
     * different sentence, not a correction. Since shared words are at most the shorter's count,
     * this also bounds the length ratio to [0.5, 2].
     */
    static final double MIN_WORD_OVERLAP = 0.5;
    /**
     * Short sentences may change most of their words and still be a correction ("i has a apple" →
     * "I have an apple."):
     * the overlap test applies only when more than this many words differ.
     */
    static final int SMALL_CHANGE_WORDS = 3;

    /**
     * A number, e-mail or web address: a word with a digit, an '@', "://", "www." or a common
     * domain ending. A correction writes these exactly as the learner did; a model that copies
     * them badly ("12,000" → "12,000,000") would otherwise pass as a correction.
     */
    private static final Pattern LITERAL = Pattern.compile(
            "\\S*(\\d|@|://|www\\.|\\.(com|org|net|edu|gov)\\b)\\S*", Pattern.CASE_INSENSITIVE);

    /** The outcome: accepted, or refused with a reason a learner can read. */
    public record Verdict(boolean accepted, String reason) {
        static final Verdict ACCEPTED = new Verdict(true, null);

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    private OutputCheck() {}

    /**
     * @param source    the learner's sentence
     * @param output    the model's decoded output (up to its end token)
     * @param ended     whether the model produced its end token
     * @param maxTokens the generation budget the output had
     */
    public static Verdict check(String source, String output, boolean ended, int maxTokens) {
        if (!ended)
            return Verdict.refused("the model did not finish its answer within " + maxTokens + " tokens");
        if (output.isBlank())
            return Verdict.refused("the model returned an empty answer");
        if (output.indexOf('\uFFFD') >= 0 && source.indexOf('\uFFFD') < 0)
            return Verdict.refused("the model's answer is not valid text");
        List<String> src = words(source), out = words(output);
        String invented = inventedWord(src, output);
        if (invented != null)
            return Verdict.refused("the model's answer contains \"" + invented
                    + "\", which is neither an English word nor in the sentence");
        String changed = changedLiteral(source, output);
        if (changed != null)
            return Verdict.refused("the model's answer changes \"" + changed
                    + "\", a number or address that a correction keeps as written");
        int common = commonCount(src, out);
        int longer = Math.max(src.size(), out.size());
        if (longer - common <= SMALL_CHANGE_WORDS) return Verdict.ACCEPTED;
        double overlap = (double) common / longer;
        if (overlap < MIN_WORD_OVERLAP)
            return Verdict.refused(String.format(Locale.ROOT,
                    "the model's answer shares only %.0f%% of its words with the sentence, so it is not a correction of it",
                    100 * overlap));
        return Verdict.ACCEPTED;
    }

    /**
     * The first word of the output that the learner did not write and that is not an English
     * word (a misspelling or a made-up name the model produced), or null. A tutor may fix a
     * spelling; it must never introduce one.
     */
    private static String inventedWord(List<String> sourceWords, String output) {
        Set<String> written = new HashSet<>(sourceWords);
        Lexicon lexicon = Lexicon.standard();
        for (WordDiff.Token t : WordDiff.tokenize(output)) {
            if (!t.isWord()) continue;
            String lower = t.text().toLowerCase(Locale.ROOT);
            if (!written.contains(lower) && !lexicon.isWord(lower)) return t.text();
        }
        return null;
    }

    /**
     * The first number or address (see {@link #LITERAL}) that the source and the output do not
     * both hold, as many times each: the source's when the output lost or altered one, else the
     * output's; null when they hold the same ones.
     */
    private static String changedLiteral(String source, String output) {
        List<String> src = literals(source), out = literals(output);
        Map<String, Integer> counts = new HashMap<>();
        for (String l : out) counts.merge(l, 1, Integer::sum);
        for (String l : src) {
            if (counts.merge(l, -1, Integer::sum) < 0) return l;
        }
        for (String l : out) {
            if (counts.getOrDefault(l, 0) > 0) return l;
        }
        return null;
    }

    /** The text's numbers and addresses, without the punctuation around them ("(10:30)," → "10:30"). */
    private static List<String> literals(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = LITERAL.matcher(text);
        while (m.find()) {
            String word = m.group();
            int from = 0, to = word.length();
            while (from < to && !Character.isLetterOrDigit(word.charAt(from))) from++;
            while (to > from && !Character.isLetterOrDigit(word.charAt(to - 1))) to--;
            if (from < to) found.add(word.substring(from, to));
        }
        return found;
    }

    private static List<String> words(String s) {
        return WordDiff.tokenize(s).stream().map(t -> t.text().toLowerCase(Locale.ROOT)).toList();
    }

    /** Size of the multiset intersection. */
    private static int commonCount(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        for (String w : a) counts.merge(w, 1, Integer::sum);
        int common = 0;
        for (String w : b) {
            Integer c = counts.get(w);
            if (c != null && c > 0) {
                common++;
                counts.put(w, c - 1);
            }
        }
        return common;
    }
}
