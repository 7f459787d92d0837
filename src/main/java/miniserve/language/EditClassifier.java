package miniserve.language;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbForms;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff.Change;
import miniserve.language.WordDiff.Token;

/**
 * Names the kind of each correction and explains it in one sentence a learner understands.
 *
 * <p>Works from the words alone (no tagger): what changed (case only, punctuation only, an
 * apostrophe, a word moved), which word classes the old and new words belong to (articles,
 * prepositions, pronouns, the real-word confusion sets), whether they are two forms of one verb or
 * noun (from the same lexicon the error generator uses), and the word just before the edit
 * ("can goes" is a verb-form error, "he go" an agreement error). Anything it cannot name is
 * {@link ErrorType#WORD_CHOICE} (one word for another) or {@link ErrorType#OTHER}.
 *
 * <p>Thread-safe: no state beyond the shared, immutable lexicon.
 */
public final class EditClassifier {

    private static final Map<String, String> CONTRACTION_EXPANSIONS = Map.of(
            "n't", "not", "'re", "are", "'m", "am", "'ve", "have", "'ll", "will", "'d", "would", "'s", "is");
    private static final Set<String> SENTENCE_ENDS = Set.of(".", "!", "?", "\"", "\u201d");

    private final Lexicon lex;

    public EditClassifier() {
        this(Lexicon.standard());
    }

    public EditClassifier(Lexicon lexicon) {
        this.lex = lexicon;
    }

    /** The typed, explained edits that turn the learner's sentence into the corrected one (empty if equal). */
    public List<Edit> edits(String source, String corrected) {
        List<Token> src = WordDiff.tokenize(source);
        List<Token> tgt = WordDiff.tokenize(corrected);
        List<Edit> out = new ArrayList<>();
        for (Change whole : WordDiff.changes(src, tgt)) {
            for (Change c : peelTrailingPunctuation(src, tgt, whole)) {
                List<Edit> parts = split(source, src, corrected, tgt, c);
                if (parts != null) out.addAll(parts);
                else out.add(classify(source, src, corrected, tgt, c));
            }
        }
        return out;
    }

    /**
     * A word change that ends the sentence often brings its full stop along ("friend" →
     * "friends."); the mark is an edit of its own, so that the word's can be named. The change is
     * split in two when one side's span ends with punctuation and the other's with a word.
     */
    private static List<Change> peelTrailingPunctuation(List<Token> src, List<Token> tgt, Change c) {
        int srcMarks = trailingMarks(src, c.srcStart(), c.srcEnd());
        int tgtMarks = trailingMarks(tgt, c.tgtStart(), c.tgtEnd());
        boolean srcWords = c.srcEnd() - c.srcStart() > srcMarks, tgtWords = c.tgtEnd() - c.tgtStart() > tgtMarks;
        if (!srcWords || !tgtWords || (srcMarks > 0) == (tgtMarks > 0)) return List.of(c);
        return List.of(new Change(c.srcStart(), c.srcEnd() - srcMarks, c.tgtStart(), c.tgtEnd() - tgtMarks),
                new Change(c.srcEnd() - srcMarks, c.srcEnd(), c.tgtEnd() - tgtMarks, c.tgtEnd()));
    }

    /** How many of tokens {@code [from, to)} at the end of the span are punctuation. */
    private static int trailingMarks(List<Token> tokens, int from, int to) {
        int k = to;
        while (k > from && !tokens.get(k - 1).isWord()) k--;
        return to - k;
    }

    /**
     * Whether the edit is one this classifier can name and explain as a learner's error: any type
     * but {@link ErrorType#OTHER}, and {@link ErrorType#WORD_CHOICE} only between the words of one
     * confusion set ("their" → "there"). The others ("Rewrite 'Mountain View' as 'Mountain
     * Visions'", one word for an unrelated one) are where a small model drifts from the learner's
     * text rather than corrects it.
     */
    public boolean names(Edit edit) {
        return switch (edit.type()) {
            case OTHER -> false;
            case WORD_CHOICE -> {
                // a word-choice edit is always one word for one word (singleWord)
                Lexicon.Confusion confusion = lex.confusion(lower(edit.original()));
                yield confusion != null && confusion.words().contains(lower(edit.replacement()));
            }
            default -> true;
        };
    }

    /**
     * Neighbouring corrections come out of the diff as one change ("i go" → "I went"). When the
     * change replaces n words by n words and, word by word, at least one part is a nameable error,
     * the word-by-word edits are returned instead; otherwise null.
     */
    private List<Edit> split(String source, List<Token> src, String corrected, List<Token> tgt, Change c) {
        int n = c.srcEnd() - c.srcStart();
        if (n < 2 || n != c.tgtEnd() - c.tgtStart()) return null;
        if (sameWordsInAnyOrder(texts(src, c.srcStart(), c.srcEnd()), texts(tgt, c.tgtStart(), c.tgtEnd()))) return null;
        List<Edit> parts = new ArrayList<>();
        boolean specific = false;
        for (int k = 0; k < n; k++) {
            if (src.get(c.srcStart() + k).text().equals(tgt.get(c.tgtStart() + k).text())) continue;
            Edit e = classify(source, src, corrected, tgt,
                    new Change(c.srcStart() + k, c.srcStart() + k + 1, c.tgtStart() + k, c.tgtStart() + k + 1));
            specific |= e.type() != ErrorType.WORD_CHOICE && e.type() != ErrorType.OTHER;
            parts.add(e);
        }
        return specific ? parts : null;
    }

    /** Types and explains one change found by {@link WordDiff#changes}. */
    public Edit classify(String source, List<Token> src, String corrected, List<Token> tgt, Change c) {
        String original = WordDiff.text(source, src, c.srcStart(), c.srcEnd());
        String replacement = WordDiff.text(corrected, tgt, c.tgtStart(), c.tgtEnd());
        List<String> o = texts(src, c.srcStart(), c.srcEnd());
        List<String> r = texts(tgt, c.tgtStart(), c.tgtEnd());
        Context ctx = new Context(
                c.srcStart() > 0 ? src.get(c.srcStart() - 1).text() : "",
                c.srcEnd() < src.size() ? src.get(c.srcEnd()).text() : "",
                c.srcStart() == 0 || SENTENCE_ENDS.contains(src.get(c.srcStart() - 1).text()),
                c.tgtEnd() == tgt.size(),
                r, tgt, c);
        Verdict v = verdict(o, r, ctx);
        return new Edit(c.srcStart(), c.srcEnd(), original, replacement, v.type(), v.explanation());
    }

    private record Verdict(ErrorType type, String explanation) {
    }

    /** What surrounds the change: the learner's neighbouring tokens and the corrected tokens. */
    private record Context(String prev, String next, boolean sentenceStart, boolean atEnd,
                           List<String> replacement, List<Token> target, Change change) {
        String prevLower() {
            return prev.toLowerCase(Locale.ROOT);
        }

        /** The corrected words around the change, to quote: "an apple", "listen to music". */
        String quote(int before, int after) {
            int from = Math.max(0, change.tgtStart() - before);
            int to = Math.min(target.size(), change.tgtEnd() + after);
            List<String> words = new ArrayList<>();
            for (int k = from; k < to; k++) words.add(target.get(k).text());
            return WordDiff.join(words);
        }

        /** The words after the change up to and including its noun, at most {@code max} ("a teacher", "a good doctor"). */
        int upToNoun(Lexicon lex, int max) {
            int n = 0;
            for (int k = change.tgtEnd(); n < max && k < target.size() && target.get(k).isWord(); k++) {
                n++;
                String w = target.get(k).text().toLowerCase(Locale.ROOT);
                if (lex.isNoun(w) && !lex.isAdjective(w) || !lex.singulars(w).isEmpty()) break;
            }
            return n;
        }

        /** The first of the next three words after the change that is an uncountable noun ("new furniture"); null when none is. */
        String uncountableAfter(Lexicon lex) {
            for (int k = change.tgtEnd(); k < change.tgtEnd() + 3 && k < target.size() && target.get(k).isWord(); k++) {
                String w = target.get(k).text().toLowerCase(Locale.ROOT);
                if (lex.isUncountable(w)) return target.get(k).text();
            }
            return null;
        }
    }

    private static List<String> texts(List<Token> tokens, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int k = from; k < to; k++) out.add(tokens.get(k).text());
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    }

    private static String q(String s) {
        return "'" + s + "'";
    }

    private Verdict verdict(List<String> o, List<String> r, Context ctx) {
        String oText = WordDiff.join(o);
        String rText = WordDiff.join(r);
        if (!o.isEmpty() && oText.equalsIgnoreCase(rText)) return capitalization(oText, rText, ctx);
        if (allPunctuation(o) && allPunctuation(r)) return punctuation(oText, rText, ctx);
        if (o.size() >= 2 && o.size() == r.size() && sameWordsInAnyOrder(o, r)) {
            return new Verdict(ErrorType.WORD_ORDER, "Change the word order: write " + q(rText) + ", not " + q(oText) + ".");
        }
        Verdict feeling = feelingForCause(o, r);
        if (feeling != null) return feeling;
        Verdict perfect = perfectForPast(o, r, ctx);
        if (perfect == null) perfect = perfectForPresent(o, r);
        if (perfect == null) perfect = ingForTo(o, r, ctx);
        if (perfect != null) return perfect;
        Verdict doubled = doubledComparison(o, r, ctx);
        if (doubled == null) doubled = gradedForm(o, r);
        if (doubled != null) return doubled;
        // Trailing punctuation that travels with a word change is not the point of the edit.
        String ow = o.size() == 1 ? lower(o.get(0)) : o.isEmpty() ? "" : null;
        String rw = r.size() == 1 ? lower(r.get(0)) : r.isEmpty() ? "" : null;
        if (ow != null && rw != null) {
            Verdict v = singleWord(ow, rw, o.isEmpty() ? "" : o.get(0), r.isEmpty() ? "" : r.get(0), ctx);
            if (v != null) return v;
        }
        // One word added or dropped, with the capital moving along at the start: "Is raining" → "It is raining".
        if (Math.abs(o.size() - r.size()) == 1 && !o.isEmpty() && !r.isEmpty()) {
            List<String> longer = o.size() > r.size() ? o : r;
            List<String> shorter = o.size() > r.size() ? r : o;
            for (int k = 0; k < longer.size(); k++) {
                List<String> rest = new ArrayList<>(longer);
                String word = rest.remove(k);
                if (WordDiff.join(rest).equalsIgnoreCase(WordDiff.join(shorter))) {
                    Verdict v = o.size() > r.size()
                            ? singleWord(lower(word), "", word, "", ctx)
                            : singleWord("", lower(word), "", word, ctx);
                    if (v != null) return v;
                    break;
                }
            }
        }
        if (!o.isEmpty() && !r.isEmpty() && String.join("", o).equalsIgnoreCase(String.join("", r))) {
            return new Verdict(ErrorType.SPELLING, r.size() > o.size()
                    ? "Write " + q(rText) + " as separate words."
                    : "Write " + q(rText) + " as one word.");
        }
        if (o.isEmpty()) return new Verdict(ErrorType.OTHER, "A word is missing here: add " + q(rText) + ".");
        if (r.isEmpty()) return new Verdict(ErrorType.OTHER, q(oText) + " is not needed here.");
        return new Verdict(ErrorType.OTHER, "Rewrite " + q(oText) + " as " + q(rText) + ".");
    }

    /** "more taller" → "taller", "most biggest" → "biggest": the adjective's own form needs no "more" or "most". */
    /** "more tall" → "taller", "most big" → "biggest": a short adjective's own form. */
    private Verdict gradedForm(List<String> o, List<String> r) {
        if (o.size() != 2 || r.size() != 1) return null;
        String degree = lower(o.get(0)), graded = lower(r.get(0));
        boolean comparative = degree.equals("more") && lex.isComparative(graded), superlative = degree.equals("most") && lex.isSuperlative(graded);
        if (!comparative && !superlative || !graded.startsWith(lower(o.get(1)).substring(0, Math.min(2, o.get(1).length())))) return null;
        return new Verdict(ErrorType.ADJ_ADV, "A short adjective takes " + (comparative ? "-er" : "-est") + ": " + q(r.get(0))
                + ", not " + q(WordDiff.join(o)) + ".");
    }

    private Verdict doubledComparison(List<String> o, List<String> r, Context ctx) {
        if (o.size() != 1 || !r.isEmpty()) return null;
        String degree = lower(o.get(0)), next = lower(ctx.next());
        if (degree.equals("more") && lex.isComparative(next))
            return new Verdict(ErrorType.ADJ_ADV, q(ctx.next()) + " is already the comparative: no 'more' before it.");
        if (degree.equals("most") && lex.isSuperlative(next))
            return new Verdict(ErrorType.ADJ_ADV, q(ctx.next()) + " is already the superlative: no 'most' before it.");
        return null;
    }

    /**
     * "have seen" → "saw", "has visited" → "visited" (where the diff sees only "has" dropped): the present perfect
     * where a finished time asks for the past simple.
     */
    private Verdict perfectForPast(List<String> o, List<String> r, Context ctx) {
        if (o.isEmpty() || !Lexicon.HAVE_FORMS.contains(lower(o.get(0)))) return null;
        List<String> perfect = o.size() == 2 && r.size() == 1 ? o : o.size() == 1 && r.isEmpty() ? List.of(o.get(0), ctx.next()) : null;
        if (perfect == null) return null;
        String past = r.isEmpty() ? lower(ctx.next()) : lower(r.get(0));
        for (VerbReading p : lex.verbReadings(lower(perfect.get(1)))) {
            if (p.form() == VerbForm.PAST_PARTICIPLE && lex.verbForms(p.base()).past().equals(past)) {
                return new Verdict(ErrorType.TENSE, "With a finished time such as 'yesterday' or 'last year', use the past simple "
                        + q(past) + ", not " + q(WordDiff.join(perfect)) + ".");
            }
        }
        return null;
    }

    /**
     * "live" → "have lived", "is" → "has been": the present perfect for something that started at a point named
     * after "since" and goes on now.
     */
    private Verdict perfectForPresent(List<String> o, List<String> r) {
        if (o.size() != 1 || r.size() != 2 || !Set.of("have", "has").contains(lower(r.get(0)))) return null;
        String present = lower(o.get(0)), participle = lower(r.get(1));
        boolean same = Lexicon.BE_FORMS.contains(present) ? participle.equals("been")
                : lex.verbReadings(present).stream().anyMatch(v -> (v.form() == VerbForm.BASE || v.form() == VerbForm.THIRD_PERSON)
                        && lex.verbForms(v.base()).pastParticiple().equals(participle));
        return same ? new Verdict(ErrorType.TENSE, "With 'since' and a point in time, use the present perfect "
                + q(WordDiff.join(r)) + ": it started then and still goes on.") : null;
    }

    /** "interesting" → "interested", "boring" → "bored": the -ed adjective names a feeling, the -ing one its cause. */
    private Verdict feelingForCause(List<String> o, List<String> r) {
        if (o.size() != 1 || r.size() != 1) return null;
        String cause = lower(o.get(0)), feeling = lower(r.get(0));
        if (!cause.endsWith("ing") || !feeling.endsWith("ed") || !lex.isAdjective(cause) || !lex.isAdjective(feeling)) return null;
        String stem = cause.substring(0, cause.length() - 3);
        if (!feeling.equals(stem + "ed") && !feeling.equals(stem + "d")) return null;
        return new Verdict(ErrorType.ADJ_ADV, q(r.get(0)) + " says how someone feels; " + q(o.get(0)) + " describes what causes the feeling.");
    }

    /** "to swim" → "swimming" after "enjoy", "finish", ...: the -ing form, not "to". */
    private Verdict ingForTo(List<String> o, List<String> r, Context ctx) {
        if (o.size() != 2 || r.size() != 1 || !lower(o.get(0)).equals("to")) return null;
        String base = lower(o.get(1)), ing = lower(r.get(0));
        if (!lex.canBe(base, VerbForm.BASE) || !lex.verbForms(base).ing().equals(ing)) return null;
        return new Verdict(ErrorType.VERB_FORM, "After " + q(ctx.prev()) + ", use the -ing form, not 'to': "
                + q(ctx.prev() + " " + r.get(0)) + ".");
    }

    /** Whether a word is the pronoun "I" (alone or in "I'm", "I've", ...), which always takes a capital. */
    public static boolean isPronounI(String word) {
        return word.equals("I") || word.startsWith("I'") || word.startsWith("I\u2019");
    }

    private Verdict capitalization(String o, String r, Context ctx) {
        if (isPronounI(r)) {
            return new Verdict(ErrorType.CAPITALIZATION, "Always write the pronoun 'I' with a capital letter.");
        }
        boolean upper = Character.isUpperCase(r.codePointAt(0));
        if (upper && ctx.sentenceStart()) {
            return new Verdict(ErrorType.CAPITALIZATION, "Start a sentence with a capital letter: " + q(r) + ".");
        }
        if (upper) {
            return new Verdict(ErrorType.CAPITALIZATION, q(r) + " is a name (of a person, place, language, day or month), so it starts with a capital letter.");
        }
        return new Verdict(ErrorType.CAPITALIZATION, q(r) + " is not a name and does not start a sentence, so it needs no capital letter.");
    }

    private static boolean allPunctuation(List<String> tokens) {
        for (String t : tokens) if (Character.isLetterOrDigit(t.codePointAt(0))) return false;
        return true;
    }

    private Verdict punctuation(String o, String r, Context ctx) {
        if (o.isEmpty()) {
            if ((r.equals(".") || r.equals("!") || r.equals("?")) && ctx.atEnd()) {
                return new Verdict(ErrorType.PUNCTUATION, r.equals("?") ? "A question ends with a question mark."
                        : r.equals(".") ? "End the sentence with a full stop." : "End the sentence with " + q(r) + ".");
            }
            if (r.equals(",")) return new Verdict(ErrorType.PUNCTUATION, "Put a comma after " + q(ctx.prev()) + " to separate the parts of the sentence.");
            return new Verdict(ErrorType.PUNCTUATION, "Add " + q(r) + " here.");
        }
        if (r.isEmpty()) {
            return new Verdict(ErrorType.PUNCTUATION, o.equals(",") ? "No comma is needed here." : "Leave out " + q(o) + " here.");
        }
        return new Verdict(ErrorType.PUNCTUATION, "Use " + q(r) + " here, not " + q(o) + ".");
    }

    private static boolean sameWordsInAnyOrder(List<String> a, List<String> b) {
        List<String> x = new ArrayList<>();
        for (String s : a) x.add(lower(s));
        List<String> y = new ArrayList<>();
        for (String s : b) y.add(lower(s));
        if (x.equals(y)) return false;
        x.sort(null);
        y.sort(null);
        return x.equals(y);
    }

    /** One word (or none) replaced by one word (or none); null when nothing specific applies. */
    private Verdict singleWord(String o, String r, String oRaw, String rRaw, Context ctx) {
        Verdict v;
        if ((v = apostrophe(o, r, rRaw)) != null) return v;
        if ((v = contractionWithoutApostrophe(o, r, rRaw, ctx)) != null) return v;
        if ((v = article(o, r, ctx)) != null) return v;
        Lexicon.Confusion confusion = lex.confusion(o);
        if (confusion != null && confusion.words().contains(r)) return new Verdict(ErrorType.WORD_CHOICE, confusion.explanation());
        if ((v = preposition(o, r, ctx)) != null) return v;
        if ((v = pronoun(o, r, rRaw)) != null) return v;
        if ((v = missingOrExtraWord(o, r, oRaw, rRaw, ctx)) != null) return v;
        if (o.isEmpty() || r.isEmpty()) return null;
        boolean afterSubject = Lexicon.SUBJECT_PRONOUNS.contains(ctx.prevLower());
        if (!afterSubject && (v = irregularOrUncountableNoun(o, r)) != null) return v;
        boolean nounContext = isNounContext(ctx.prevLower());
        Verdict noun = nounNumber(o, r, ctx);
        if (noun != null && nounContext) return noun;
        if ((v = verb(o, r, ctx)) != null) return v;
        if ((v = overregularized(o, r, rRaw)) != null) return v;
        if (noun != null) return noun;
        if ((v = adjectiveAdverb(o, r)) != null) return v;
        if (!lex.isWord(o) && lex.isWord(r) && misspelling(oRaw, r)) {
            return new Verdict(ErrorType.SPELLING, q(oRaw) + " is misspelt: write " + q(rRaw) + ".");
        }
        return new Verdict(ErrorType.WORD_CHOICE, q(rRaw) + " is the right word here, not " + q(oRaw) + ".");
    }

    /** "goed" → "went", "buyed" → "bought", "have writed" → "have written": an irregular verb given a regular ending. */
    private Verdict overregularized(String o, String r, String rRaw) {
        VerbForms forms = lex.irregularVerbFor(o);
        if (forms == null || !r.equals(forms.past()) && !r.equals(forms.pastParticiple())) return null;
        return new Verdict(ErrorType.VERB_FORM, q(forms.base()) + " is irregular: write " + q(rRaw) + ", not " + q(o) + ".");
    }

    /**
     * Whether the learner's non-word {@code oRaw} can be a misspelling of {@code r}: a word of letters, not an
     * acronym ("APEC"), within one edit of it (two for words over four letters), counting a swap of two
     * neighbouring letters as one ("recieved", "tommorow"). A symbol or a name the model rewrote into
     * another word ("+" → "tried", "ENE" → "already") is no misspelling the tutor can name.
     */
    static boolean misspelling(String oRaw, String r) {
        if (oRaw.isEmpty() || !oRaw.chars().allMatch(Character::isLetter)) return false;
        if (oRaw.length() >= 2 && oRaw.equals(oRaw.toUpperCase(Locale.ROOT))) return false;
        String o = oRaw.toLowerCase(Locale.ROOT);
        return editsApart(o, r) <= (Math.max(o.length(), r.length()) > 4 ? 2 : 1);
    }

    /** Insertions, deletions, substitutions and swaps of neighbours between {@code a} and {@code b} (restricted Damerau-Levenshtein). */
    static int editsApart(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
        return d[a.length()][b.length()];
    }

    private static final Set<ErrorType> VERB_ERRORS = Set.of(ErrorType.AGREEMENT, ErrorType.TENSE, ErrorType.VERB_FORM);

    /**
     * "he dont" → "he doesn't": a verb's "n't" form written without its apostrophe and in the wrong person or
     * tense. Named as the verb's error, the apostrophe said in passing; null for anything else.
     */
    private Verdict contractionWithoutApostrophe(String o, String r, String rRaw, Context ctx) {
        if (!o.endsWith("nt") || o.indexOf('\'') >= 0 || lex.isWord(o) || r.indexOf('\'') < 0) return null;
        String contraction = o.substring(0, o.length() - 1) + "'t";
        if (contraction.equals(r)) return null;                         // "dont" -> "don't": the apostrophe alone
        Verdict v = singleWord(contraction, r, contraction, rRaw, ctx);
        if (v == null || !VERB_ERRORS.contains(v.type())) return null;
        String why = v.explanation().endsWith(".") ? v.explanation().substring(0, v.explanation().length() - 1) : v.explanation();
        return new Verdict(v.type(), why + ", written with an apostrophe.");
    }

    private Verdict apostrophe(String o, String r, String rRaw) {
        if (o.isEmpty() || r.isEmpty() || r.indexOf('\'') < 0 || o.equals(r)) return null;
        if (!o.equals(r.replace("'", "")) || lex.isWord(o)) return null;
        for (var e : CONTRACTION_EXPANSIONS.entrySet()) {
            if (r.endsWith(e.getKey())) {
                String head = r.substring(0, r.length() - e.getKey().length());
                if (e.getKey().equals("n't")) head = switch (head) {
                    case "won" -> "will";
                    case "can" -> "can";
                    case "don" -> "do";
                    case "doesn" -> "does";
                    case "didn" -> "did";
                    case "shan" -> "shall";
                    default -> head;
                };
                String full = e.getKey().equals("n't") && head.equals("can") ? "cannot" : head + " " + e.getValue();
                if (head.equals("i")) full = "I " + e.getValue();
                return new Verdict(ErrorType.PUNCTUATION, q(rRaw) + " needs an apostrophe: it is short for " + q(full) + ".");
            }
        }
        return new Verdict(ErrorType.PUNCTUATION, q(rRaw) + " is written with an apostrophe.");
    }

    private Verdict article(String o, String r, Context ctx) {
        boolean oArt = o.isEmpty() || Lexicon.ARTICLE_LIKE.contains(o);
        boolean rArt = r.isEmpty() || Lexicon.ARTICLE_LIKE.contains(r);
        if (!oArt || !rArt || o.equals(r)) return null;
        String nextWord = lower(ctx.next());
        if (Set.of(o, r).equals(Set.of("a", "an"))) {
            return new Verdict(ErrorType.ARTICLE, r.equals("an")
                    ? "Use 'an' before a vowel sound: " + q(ctx.quote(0, 1)) + "."
                    : "Use 'a' before a consonant sound: " + q(ctx.quote(0, 1)) + ".");
        }
        if (Set.of("this", "these").equals(Set.of(o, r)) || Set.of("that", "those").equals(Set.of(o, r))) {
            return new Verdict(ErrorType.ARTICLE, "Use 'this'/'that' with a singular noun and 'these'/'those' with a plural one: "
                    + q(ctx.quote(0, 1)) + ".");
        }
        if (Set.of("much", "many").equals(Set.of(o, r))) {
            return new Verdict(ErrorType.ARTICLE, "Use 'many' with plural nouns you can count and 'much' with uncountable nouns: "
                    + q(ctx.quote(0, 1)) + ".");
        }
        if (Set.of("fewer", "less").equals(Set.of(o, r)) || Set.of("few", "little").equals(Set.of(o, r))) {
            return new Verdict(ErrorType.ARTICLE, "Use 'few'/'fewer' with plural nouns you can count and 'little'/'less' with uncountable nouns.");
        }
        if (o.isEmpty()) {
            if (r.equals("the")) {
                return new Verdict(ErrorType.ARTICLE, "Use 'the' here: " + q(ctx.quote(0, 1)) + " is a particular one that the reader knows about.");
            }
            if (r.equals("a") || r.equals("an")) {
                return new Verdict(ErrorType.ARTICLE, "A single countable noun needs an article: "
                        + q(ctx.quote(0, Math.max(1, ctx.upToNoun(lex, 2)))) + ".");
            }
            return new Verdict(ErrorType.ARTICLE, "Add " + q(r) + " before " + q(ctx.next()) + ".");
        }
        if (r.isEmpty()) {
            if (o.equals("a") || o.equals("an")) {
                boolean plural = !lex.singulars(nextWord).isEmpty();
                String mass = lex.isUncountable(nextWord) ? ctx.next() : ctx.uncountableAfter(lex);   // "a new furniture"
                return new Verdict(ErrorType.ARTICLE, plural || mass != null
                        ? "Do not use " + q(o) + " with " + (plural ? "a plural noun" : "an uncountable noun") + " like "
                                + q(plural ? ctx.next() : mass) + "."
                        : "No " + q(o) + " is needed before " + q(ctx.next()) + " here.");
            }
            return new Verdict(ErrorType.ARTICLE, "No " + q(o) + " is needed before " + q(ctx.next()) + " here.");
        }
        if (r.equals("the")) {
            return new Verdict(ErrorType.ARTICLE, "Use 'the' for a particular thing the reader knows about: " + q(ctx.quote(0, 1)) + ".");
        }
        if (r.equals("a") || r.equals("an")) {
            return new Verdict(ErrorType.ARTICLE, "Use " + q(r) + " for one thing that has not been mentioned before: " + q(ctx.quote(0, 1)) + ".");
        }
        return new Verdict(ErrorType.ARTICLE, "Use " + q(r) + " here, not " + q(o) + ": " + q(ctx.quote(0, 1)) + ".");
    }

    private Verdict preposition(String o, String r, Context ctx) {
        boolean oPrep = o.isEmpty() || lex.isPreposition(o) || o.equals("back");
        boolean rPrep = r.isEmpty() || lex.isPreposition(r);
        if (!oPrep || !rPrep || o.equals(r)) return null;
        if (o.isEmpty()) {
            return new Verdict(ErrorType.PREPOSITION, q(ctx.prev()) + " needs " + q(r) + " here: " + q(ctx.quote(1, 1)) + ".");
        }
        if (r.isEmpty() && o.equals("to") && Lexicon.MODALS.contains(ctx.prevLower())) {
            return new Verdict(ErrorType.VERB_FORM, "After " + q(ctx.prev()) + ", the verb follows without 'to': "
                    + q(ctx.prev() + " " + ctx.next()) + ".");
        }
        int t = ctx.change().tgtStart();
        if (r.isEmpty() && o.equals("to") && Lexicon.OBJECT_PRONOUNS.contains(ctx.prevLower()) && t >= 2
                && VerbFormCorrector.LET_MAKE.contains(lower(ctx.target().get(t - 2).text()))) {
            String verbAndObject = ctx.target().get(t - 2).text() + " " + ctx.prev();
            return new Verdict(ErrorType.VERB_FORM, "After " + q(verbAndObject) + ", the verb follows without 'to': "
                    + q(verbAndObject + " " + ctx.next()) + ".");
        }
        if (r.isEmpty()) {
            return new Verdict(ErrorType.PREPOSITION, "No preposition is needed after " + q(ctx.prev()) + ": " + q(ctx.quote(1, 2)) + ".");
        }
        return new Verdict(ErrorType.PREPOSITION, "The preposition here is " + q(r) + ", not " + q(o) + ": " + q(ctx.quote(1, 2)) + ".");
    }

    private static boolean isPronoun(String w) {
        return Lexicon.SUBJECT_PRONOUNS.contains(w) || Lexicon.OBJECT_PRONOUNS.contains(w) || Lexicon.POSSESSIVE_DETERMINERS.contains(w)
                || Lexicon.POSSESSIVE_PRONOUNS.contains(w) || Lexicon.REFLEXIVE_PRONOUNS.contains(w) || w.equals("which");
    }

    private Verdict pronoun(String o, String r, String rRaw) {
        if (o.isEmpty() || r.isEmpty() || !isPronoun(o) || !isPronoun(r)) return null;
        String why;
        if (r.equals("who") && o.equals("which")) why = "Use 'who' for people and 'which' for things.";
        else if (r.equals("which") && o.equals("who")) why = "Use 'which' for things and 'who' for people.";
        else if (Lexicon.REFLEXIVE_PRONOUNS.contains(r)) why = "The reflexive pronoun is " + q(rRaw) + ".";
        else if (Lexicon.SUBJECT_PRONOUNS.contains(r) && !Lexicon.OBJECT_PRONOUNS.contains(r)) {
            why = "Use the subject form " + q(rRaw) + " for the one doing the action.";
        } else if (Lexicon.OBJECT_PRONOUNS.contains(r) && Lexicon.SUBJECT_PRONOUNS.contains(o)) {
            why = "Use the object form " + q(rRaw) + " after a verb or a preposition.";
        } else if (Lexicon.POSSESSIVE_PRONOUNS.contains(r) && !r.equals("his")) {
            why = "Use " + q(rRaw) + " when no noun follows: 'it is " + r + "'.";
        } else if (Lexicon.POSSESSIVE_DETERMINERS.contains(r)) {
            why = "Use the possessive " + q(rRaw) + " before a noun to say whose it is.";
        } else if (Lexicon.OBJECT_PRONOUNS.contains(r)) {
            why = "Use the object form " + q(rRaw) + " after a verb or a preposition.";
        } else {
            why = "The pronoun here is " + q(rRaw) + ".";
        }
        return new Verdict(ErrorType.PRONOUN, why);
    }

    /** A pronoun or a form of 'be' that is missing or extra ("is raining", "I am agree", "She going"). */
    private Verdict missingOrExtraWord(String o, String r, String oRaw, String rRaw, Context ctx) {
        if (!o.isEmpty() && !r.isEmpty()) return null;
        String word = o.isEmpty() ? r : o;
        String raw = o.isEmpty() ? rRaw : oRaw;
        String next = lower(ctx.next());
        if (isPronoun(word)) {
            return new Verdict(ErrorType.PRONOUN, o.isEmpty()
                    ? "The sentence needs the pronoun " + q(raw) + " here: " + q(ctx.quote(0, 2)) + "."
                    : "The pronoun " + q(raw) + " is not needed here.");
        }
        if (Lexicon.BE_FORMS.contains(word) && !word.equals("being") && !word.equals("been")) {
            boolean ing = lex.verbReadings(next).stream().anyMatch(x -> x.form() == VerbForm.ING);
            boolean base = lex.verbReadings(next).stream().anyMatch(x -> x.form() == VerbForm.BASE || x.form() == VerbForm.THIRD_PERSON);
            if (o.isEmpty() && ing) {
                return new Verdict(ErrorType.VERB_FORM, "The -ing form needs a form of 'be' before it: " + q(ctx.quote(0, 1)) + ".");
            }
            if (r.isEmpty() && base && !ing) {
                return new Verdict(ErrorType.VERB_FORM, q(ctx.next()) + " is already a verb, so " + q(raw) + " is not needed.");
            }
        }
        return null;
    }

    private Verdict irregularOrUncountableNoun(String o, String r) {
        if (lex.isUncountable(r) && o.equals(lex.regularPlural(r))) {
            return new Verdict(ErrorType.NOUN_NUMBER, q(r) + " is uncountable: it has no plural form.");
        }
        for (String sg : lex.singulars(r)) {
            if (lex.hasIrregularPlural(sg) && o.equals(lex.regularPlural(sg))) {
                return new Verdict(ErrorType.NOUN_NUMBER, q(o) + " → " + q(r) + ": " + q(sg) + " has an irregular plural.");
            }
        }
        return null;
    }

    private static boolean isNounContext(String prev) {
        return Lexicon.DETERMINER_LIKE.contains(prev) || Lexicon.PLURAL_DETERMINERS.contains(prev)
                || (!prev.isEmpty() && Character.isDigit(prev.charAt(0)));
    }

    private Verdict nounNumber(String o, String r, Context ctx) {
        String prev = ctx.prevLower();
        if (lex.singulars(r).contains(o)) {
            String why = Lexicon.PLURAL_DETERMINERS.contains(prev) || (!prev.isEmpty() && Character.isDigit(prev.charAt(0)))
                    ? "After " + q(ctx.prev()) + ", use the plural " + q(r) + "."
                    : "Use the plural " + q(r) + ": there is more than one.";
            return new Verdict(ErrorType.NOUN_NUMBER, why);
        }
        if (lex.singulars(o).contains(r)) {
            String why = Lexicon.SINGULAR_DETERMINERS.contains(prev)
                    ? "After " + q(ctx.prev()) + ", use the singular " + q(r) + "."
                    : "Use the singular " + q(r) + " here.";
            return new Verdict(ErrorType.NOUN_NUMBER, why);
        }
        return null;
    }

    /** Strips a negative contraction so "doesn't"/"don't" compare as "does"/"do". */
    private static String positive(String w) {
        if (!w.endsWith("n't")) return w;
        String head = w.substring(0, w.length() - 3);
        return switch (head) {
            case "don" -> "do";
            case "won" -> "will";
            case "ca" -> "can";
            default -> head;
        };
    }

    private Verdict verb(String oFull, String rFull, Context ctx) {
        String o = positive(oFull);
        String r = positive(rFull);
        if (oFull.endsWith("n't") != rFull.endsWith("n't")) return null;
        List<VerbReading> ro = lex.verbReadings(o);
        List<VerbReading> rr = lex.verbReadings(r);
        String prev = ctx.prevLower();
        String shown = q(rFull);
        // The readings of the two words that share a verb.
        List<VerbReading[]> shared = new ArrayList<>();
        for (VerbReading a : ro) for (VerbReading b : rr) if (a.base().equals(b.base())) shared.add(new VerbReading[] {a, b});
        if (shared.isEmpty()) return null;
        // Only the readings that link the two words count ("found" as find/PAST says nothing about "founded").
        ro = shared.stream().map(x -> x[0]).toList();
        rr = shared.stream().map(x -> x[1]).toList();
        if (Lexicon.MODALS.contains(prev) || Lexicon.DO_FORMS.contains(prev) || prev.equals("to")) {
            if (has(rr, VerbForm.BASE)) {
                return new Verdict(ErrorType.VERB_FORM, prev.equals("to")
                        ? "After 'to', use the base form of the verb: " + q("to " + rFull) + "."
                        : "After " + q(ctx.prev()) + ", use the base form of the verb: " + shown + ".");
            }
        }
        // a question's "do" governs the verb after its subject: "Does he play?", "Where did you go?"
        int t = ctx.change().tgtStart();
        if (Lexicon.SUBJECT_PRONOUNS.contains(prev) && t >= 2 && Lexicon.DO_FORMS.contains(lower(ctx.target().get(t - 2).text()))
                && has(rr, VerbForm.BASE) && !has(ro, VerbForm.BASE)) {
            String doAndSubject = ctx.target().get(t - 2).text() + " " + ctx.target().get(t - 1).text();
            return new Verdict(ErrorType.VERB_FORM, "After " + q(doAndSubject) + ", use the base form of the verb: " + shown + ".");
        }
        if (Lexicon.BE_FORMS.contains(prev) && !prev.equals("being")) {
            if (has(rr, VerbForm.ING) && !has(ro, VerbForm.ING)) {
                return new Verdict(ErrorType.VERB_FORM, "After " + q(ctx.prev()) + ", use the -ing form: " + q(ctx.prev() + " " + rFull) + ".");
            }
            if (has(rr, VerbForm.PAST_PARTICIPLE) && !has(ro, VerbForm.PAST_PARTICIPLE)) {
                return new Verdict(ErrorType.VERB_FORM, "After " + q(ctx.prev()) + ", use the past participle: " + q(ctx.prev() + " " + rFull) + ".");
            }
        }
        if (Lexicon.HAVE_FORMS.contains(prev) && has(rr, VerbForm.PAST_PARTICIPLE) && !has(ro, VerbForm.PAST_PARTICIPLE)) {
            return new Verdict(ErrorType.VERB_FORM, "After " + q(ctx.prev()) + ", use the past participle: " + q(ctx.prev() + " " + rFull) + ".");
        }
        if (shared.get(0)[0].base().equals("be")) return be(o, r, rFull);
        for (VerbReading[] p : shared) {
            if (Set.of(p[0].form(), p[1].form()).equals(Set.of(VerbForm.BASE, VerbForm.THIRD_PERSON))) {
                return new Verdict(ErrorType.AGREEMENT, p[1].form() == VerbForm.THIRD_PERSON
                        ? "With 'he', 'she', 'it' or a singular subject, the present verb ends in -s: " + shown + "."
                        : "With 'I', 'you', 'we', 'they' or a plural subject, the present verb has no -s: " + shown + ".");
            }
        }
        for (VerbReading[] p : shared) {
            boolean oPast = p[0].form() == VerbForm.PAST;
            boolean rPast = p[1].form() == VerbForm.PAST;
            boolean oPresent = p[0].form() == VerbForm.BASE || p[0].form() == VerbForm.THIRD_PERSON;
            boolean rPresent = p[1].form() == VerbForm.BASE || p[1].form() == VerbForm.THIRD_PERSON;
            if (rPast && oPresent) {
                return new Verdict(ErrorType.TENSE, "Use the past tense " + shown + ": the action is finished.");
            }
            if (oPast && rPresent) {
                return new Verdict(ErrorType.TENSE, "Use the present tense " + shown + " here, not the past.");
            }
        }
        VerbForm target = shared.get(0)[1].form();
        String why = switch (target) {
            case ING -> "Use the -ing form " + shown + " here.";
            case PAST_PARTICIPLE -> "Use the past participle " + shown + " here.";
            case PAST -> "Use the simple past " + shown + " here.";
            default -> "Use the form " + shown + " of the verb here.";
        };
        return new Verdict(ErrorType.VERB_FORM, why);
    }

    private Verdict be(String o, String r, String rFull) {
        Set<String> present = Set.of("am", "is", "are");
        Set<String> past = Set.of("was", "were");
        if ((present.contains(o) && present.contains(r)) || (past.contains(o) && past.contains(r))) {
            String why = switch (r) {
                case "am" -> "Use 'am' with 'I': 'I am'.";
                case "is" -> "Use 'is' with 'he', 'she', 'it' or a singular subject.";
                case "are" -> "Use 'are' with 'you', 'we', 'they' or a plural subject.";
                case "was" -> "Use 'was' with 'I', 'he', 'she', 'it' or a singular subject.";
                default -> "Use 'were' with 'you', 'we', 'they' or a plural subject.";
            };
            return new Verdict(ErrorType.AGREEMENT, why);
        }
        if (past.contains(r) && present.contains(o)) return new Verdict(ErrorType.TENSE, "Use the past tense " + q(rFull) + ": it happened in the past.");
        if (present.contains(r) && past.contains(o)) return new Verdict(ErrorType.TENSE, "Use the present tense " + q(rFull) + " here, not the past.");
        return new Verdict(ErrorType.VERB_FORM, "Use the form " + q(rFull) + " of 'be' here.");
    }

    private static boolean has(List<VerbReading> readings, VerbForm form) {
        for (VerbReading r : readings) if (r.form() == form) return true;
        return false;
    }

    private Verdict adjectiveAdverb(String o, String r) {
        if (r.equals(lex.adverbOf(o)) || (o.equals("good") && r.equals("well"))) {
            return new Verdict(ErrorType.ADJ_ADV, "Use the adverb " + q(r) + " to say how something is done; " + q(o) + " is an adjective.");
        }
        if (r.equals(lex.adjectiveOf(o)) || (o.equals("well") && r.equals("good"))) {
            return new Verdict(ErrorType.ADJ_ADV, "Use the adjective " + q(r) + " to describe a noun or after 'be'; " + q(o) + " is an adverb.");
        }
        return null;
    }
}
