package miniserve.language;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * English word knowledge shared by the error generator and the edit classifier: which strings are
 * words, their parts of speech, verb and noun inflections (regular ones by rule, checked against the
 * word list; irregular ones from WordNet's exception lists and a hand-written table), adjective/adverb
 * pairs, prepositions (and the fixed ones some verbs take), uncountable nouns, real misspellings and
 * real-word confusion sets.
 *
 * <p>The files live in {@code data/lexicon/} (sources and licences in its README) and are packed into
 * the jar under {@code miniserve/lexicon/}. All look-ups take lower-case words. Immutable after
 * loading, so one instance is shared by every thread.
 */
public final class Lexicon {

    /** The five forms a verb takes. */
    public enum VerbForm { BASE, THIRD_PERSON, PAST, PAST_PARTICIPLE, ING }

    /** The forms of one verb; alternatives (burned/burnt) keep only the preferred one here. */
    public record VerbForms(String base, String thirdPerson, String past, String pastParticiple, String ing) {
        public String get(VerbForm form) {
            return switch (form) {
                case BASE -> base;
                case THIRD_PERSON -> thirdPerson;
                case PAST -> past;
                case PAST_PARTICIPLE -> pastParticiple;
                case ING -> ing;
            };
        }
    }

    /** One reading of a word as a verb form. */
    public record VerbReading(String base, VerbForm form) {
    }

    /**
     * A set of easily confused words and the sentence that explains the difference. {@code injected}:
     * whether the error generator uses it (only sets where the wrong word is an error whatever the context;
     * "see"/"watch" are both right in many sentences, so they are only explained, never injected).
     */
    public record Confusion(List<String> words, String explanation, boolean injected) {
    }

    /**
     * The preposition a word takes ("depend" on) and what learners write instead: another preposition
     * ("of"), or the empty string when they leave it out ("listen music").
     */
    public record PrepositionSlip(String right, String wrong) {
    }

    // ---- closed word classes -----------------------------------------------------------------------

    public static final Set<String> ARTICLES = Set.of("a", "an", "the");
    public static final Set<String> MODALS = Set.of("can", "could", "will", "would", "shall", "should", "may", "might", "must");
    public static final Set<String> SINGULAR_DETERMINERS = Set.of("a", "an", "one", "this", "that", "every", "each", "another");
    public static final Set<String> PLURAL_DETERMINERS = Set.of("these", "those", "many", "several", "few", "both", "various",
            "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
    /** Words after which an article cannot be inserted (they already determine the noun). */
    public static final Set<String> DETERMINER_LIKE = Set.of("a", "an", "the", "this", "that", "these", "those", "my", "your",
            "his", "her", "its", "our", "their", "some", "any", "no", "every", "each", "many", "much", "few", "several",
            "all", "both", "another", "other", "such", "what", "which", "whose", "one", "more", "most", "less", "least",
            "either", "neither", "enough", "own", "'s", "of");
    public static final Set<String> BE_FORMS = Set.of("am", "is", "are", "was", "were", "be", "been", "being");
    public static final Set<String> HAVE_FORMS = Set.of("have", "has", "had", "having");
    public static final Set<String> DO_FORMS = Set.of("do", "does", "did", "don't", "doesn't", "didn't");
    /** Articles and the determiners whose misuse the tutor calls an article/determiner error. */
    public static final Set<String> ARTICLE_LIKE = Set.of("a", "an", "the", "this", "that", "these", "those", "much", "many",
            "some", "any", "every", "each", "few", "little", "fewer", "less");
    public static final Set<String> SUBJECT_PRONOUNS = Set.of("i", "you", "he", "she", "it", "we", "they", "who");
    public static final Set<String> OBJECT_PRONOUNS = Set.of("me", "you", "him", "her", "it", "us", "them", "whom");
    public static final Set<String> POSSESSIVE_DETERMINERS = Set.of("my", "your", "his", "her", "its", "our", "their", "whose");
    public static final Set<String> POSSESSIVE_PRONOUNS = Set.of("mine", "yours", "his", "hers", "ours", "theirs");
    public static final Set<String> REFLEXIVE_PRONOUNS = Set.of("myself", "yourself", "himself", "herself", "itself",
            "ourselves", "yourselves", "themselves", "hisself", "theirselves", "themself");
    public static final Set<String> THIRD_PERSON_PRONOUNS = Set.of("he", "she", "it");
    /** Words that open a question ("Where do we ...", "Who did you ..."). */
    public static final Set<String> QUESTION_WORDS = Set.of("what", "where", "when", "why", "how", "who", "which");
    public static final Set<String> NON_THIRD_PERSON_PRONOUNS = Set.of("i", "you", "we", "they");

    /** -ly words whose meaning is not "in an X way", so they do not pair with the adjective. */
    private static final Set<String> NOT_MANNER_ADVERBS = Set.of("only", "lately", "hardly", "nearly", "shortly", "highly",
            "mostly", "presently", "barely", "merely", "early", "likely", "verily", "scarcely", "justly", "fairly", "dearly",
            "namely", "largely", "daily", "weekly", "monthly", "yearly", "hourly", "jolly", "kindly", "directly");

    private static final String RESOURCE_DIR = "/miniserve/lexicon/";
    private static volatile Lexicon standard;

    private final Set<String> words;
    private final Map<String, Integer> counts;                           // lower-cased word -> occurrences in the training text
    private final Map<String, String> pos;
    private final Map<String, List<String>> verbExceptions;   // inflected -> lemmas
    private final Map<String, List<String>> nounExceptions;   // plural -> lemmas
    private final Map<String, String> irregularPlural;        // lemma -> plural
    private final Map<String, String[]> irregularVerbs;       // base -> {past, participle} (preferred first)
    private final Map<String, List<VerbReading>> irregularReadings;
    private final Set<String> uncountable;
    private final List<String> prepositions;
    private final Map<String, List<String>> prepositionConfusions;
    private final Map<String, String> prepositionInsertions;
    private final Map<String, List<PrepositionSlip>> prepositionSlips;   // verb base or adjective -> slips
    private final Map<String, List<String>> misspellings;                // correction -> real misspellings
    private final Map<String, String> misspelt;                          // real misspelling -> its correction
    private final Map<String, String> adverbOfAdjective;
    private final Map<String, String> adjectiveOfAdverb;
    private final Map<String, Confusion> confusionOf;
    private final Map<String, VerbForms> verbFormsCache = new java.util.concurrent.ConcurrentHashMap<>();

    private Lexicon() {
        words = new HashSet<>(lines("words.txt"));
        counts = new HashMap<>();
        for (String line : lines("word-counts.tsv")) {
            int tab = line.indexOf('\t');
            counts.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
        }
        pos = new HashMap<>();
        for (String line : lines("wordnet-pos.tsv")) {
            String[] f = line.split("\t");
            pos.put(f[0], f[1]);
        }
        verbExceptions = exceptions("verb.exc");
        nounExceptions = exceptions("noun.exc");
        irregularPlural = new HashMap<>();
        for (var e : nounExceptions.entrySet()) {
            for (String lemma : e.getValue()) {
                // Keep the plural the word list knows; WordNet also lists rare classical plurals.
                if (words.contains(e.getKey())) irregularPlural.putIfAbsent(lemma, e.getKey());
            }
        }
        irregularVerbs = new HashMap<>();
        irregularReadings = new HashMap<>();
        for (String line : lines("irregular-verbs.tsv")) {
            String[] f = line.split("\t");
            String base = f[0];
            irregularVerbs.put(base, new String[] {f[1].split("\\|")[0], f[2].split("\\|")[0]});
            addReading(base, base, VerbForm.BASE);
            for (String p : f[1].split("\\|")) addReading(p, base, VerbForm.PAST);
            for (String p : f[2].split("\\|")) addReading(p, base, VerbForm.PAST_PARTICIPLE);
        }
        uncountable = new HashSet<>(lines("uncountable-nouns.txt"));
        prepositions = new ArrayList<>();
        prepositionConfusions = new HashMap<>();
        boolean inConfusions = false;
        for (String line : lines("prepositions.txt")) {
            if (line.equals("[confusions]")) {
                inConfusions = true;
            } else if (!inConfusions) {
                prepositions.add(line);
            } else {
                String[] set = line.split(" ");
                for (String a : set) {
                    for (String b : set) {
                        if (!a.equals(b)) prepositionConfusions.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
                    }
                }
            }
        }
        prepositionInsertions = new HashMap<>();
        for (String line : lines("preposition-insertions.tsv")) {
            String[] f = line.split("\t");
            prepositionInsertions.put(f[0], f[1]);
        }
        prepositionSlips = new HashMap<>();
        for (String line : lines("verb-prepositions.tsv")) {
            String[] f = line.split("\t");
            prepositionSlips.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new PrepositionSlip(f[1], f[2].equals("-") ? "" : f[2]));
        }
        misspellings = new HashMap<>();
        misspelt = new HashMap<>();
        for (String line : lines("misspellings.tsv")) {
            String[] f = line.split("\t");
            // A misspelling that the lexicon reads as a word (an irregular form) would not show as an error.
            if (!isWord(f[0])) {
                misspellings.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f[0]);
                misspelt.put(f[0], f[1]);
            }
        }
        adverbOfAdjective = new HashMap<>();
        adjectiveOfAdverb = new HashMap<>();
        for (var e : pos.entrySet()) {
            if (e.getValue().indexOf('a') < 0 || e.getKey().length() < 3 || prepositions.contains(e.getKey())) continue;
            for (String adv : adverbCandidates(e.getKey())) {
                if (pos.getOrDefault(adv, "").indexOf('r') >= 0 && !NOT_MANNER_ADVERBS.contains(adv)) {
                    adverbOfAdjective.put(e.getKey(), adv);
                    adjectiveOfAdverb.putIfAbsent(adv, e.getKey());
                    break;
                }
            }
        }
        adverbOfAdjective.put("good", "well");
        adjectiveOfAdverb.put("well", "good");
        confusionOf = new HashMap<>();
        for (String line : lines("confusions.tsv")) {
            String[] f = line.split("\t");
            Confusion c = new Confusion(List.of(f[0].split("\\|")), f[1], f.length < 3 || !f[2].equals("explain-only"));
            for (String w : c.words()) confusionOf.putIfAbsent(w, c);
        }
    }

    /** The lexicon packed with the project (loaded once). */
    public static Lexicon standard() {
        Lexicon l = standard;
        if (l == null) {
            synchronized (Lexicon.class) {
                if (standard == null) standard = new Lexicon();
                l = standard;
            }
        }
        return l;
    }

    private void addReading(String form, String base, VerbForm f) {
        List<VerbReading> list = irregularReadings.computeIfAbsent(form, k -> new ArrayList<>());
        VerbReading r = new VerbReading(base, f);
        if (!list.contains(r)) list.add(r);
    }

    private static List<String> adverbCandidates(String adj) {
        List<String> c = new ArrayList<>();
        if (adj.endsWith("y") && adj.length() > 2) c.add(adj.substring(0, adj.length() - 1) + "ily");
        if (adj.endsWith("le") && adj.length() > 3) c.add(adj.substring(0, adj.length() - 1) + "y");
        if (adj.endsWith("ic")) c.add(adj + "ally");
        if (adj.endsWith("ll")) c.add(adj + "y");
        if (adj.endsWith("ue")) c.add(adj.substring(0, adj.length() - 1) + "ly");
        c.add(adj + "ly");
        return c;
    }

    private static Map<String, List<String>> exceptions(String file) {
        Map<String, List<String>> m = new HashMap<>();
        for (String line : lines(file)) {
            String[] f = line.split(" ");
            if (f.length < 2 || f[0].contains("_")) continue;
            List<String> lemmas = new ArrayList<>();
            for (int i = 1; i < f.length; i++) if (!f[i].contains("_")) lemmas.add(f[i]);
            m.put(f[0], lemmas);
        }
        return m;
    }

    /** Non-empty, non-comment lines of a lexicon resource. */
    static List<String> lines(String file) {
        String path = RESOURCE_DIR + file;
        try (InputStream in = Lexicon.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("lexicon file missing from the classpath: " + path);
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) out.add(line);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lexicon file " + path, e);
        }
    }

    // ---- words and parts of speech -------------------------------------------------------------

    /**
     * How often a word (any case) occurs in the project's clean training text, {@code word-counts.tsv}:
     * 0 for a word never seen there.
     */
    public int count(String word) {
        return counts.getOrDefault(word.toLowerCase(Locale.ROOT), 0);
    }

    /**
     * Whether a token is an English word (or a number): in the word list, a possessive of one, a
     * hyphenated compound of words, or one of the irregular forms the lexicon knows.
     */
    public boolean isWord(String token) {
        String w = token.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        if (w.isEmpty()) return false;
        if (Character.isDigit(w.charAt(0))) return true;
        if (words.contains(w) || irregularReadings.containsKey(w) || nounExceptions.containsKey(w)) return true;
        if (w.endsWith("'s") && w.length() > 2) return isWord(w.substring(0, w.length() - 2));
        if (w.endsWith("s'") && w.length() > 2) return isWord(w.substring(0, w.length() - 1));
        if (w.indexOf('-') > 0) {
            for (String part : w.split("-")) if (part.isEmpty() || !isWord(part)) return false;
            return true;
        }
        return false;
    }

    public boolean isNoun(String w) {
        return pos.getOrDefault(w, "").indexOf('n') >= 0;
    }

    public boolean isVerb(String w) {
        return irregularVerbs.containsKey(w) || pos.getOrDefault(w, "").indexOf('v') >= 0;
    }

    public boolean isAdjective(String w) {
        return pos.getOrDefault(w, "").indexOf('a') >= 0;
    }

    public boolean isAdverb(String w) {
        return pos.getOrDefault(w, "").indexOf('r') >= 0;
    }

    /** Whether {@code w} is an adjective's -er comparative ("taller", "larger", "bigger", "happier", "better"). */
    public boolean isComparative(String w) {
        if (w.equals("better") || w.equals("worse")) return true;
        return w.length() >= 5 && w.endsWith("er") && !w.equals("rather") && isGradedForm(w, 2);
    }

    /** Whether {@code w} is an adjective's -est superlative ("tallest", "biggest", "happiest", "best"). */
    public boolean isSuperlative(String w) {
        if (w.equals("best") || w.equals("worst")) return true;
        return w.length() >= 6 && w.endsWith("est") && isGradedForm(w, 3);
    }

    /** Whether {@code w} less its ending of {@code ending} letters is an adjective's stem, and {@code w} no noun. */
    private boolean isGradedForm(String w, int ending) {
        if (isNoun(w)) return false;
        String stem = w.substring(0, w.length() - ending);
        List<String> adjectives = new ArrayList<>(List.of(stem, stem + "e"));
        if (stem.endsWith("i")) adjectives.add(stem.substring(0, stem.length() - 1) + "y");
        if (stem.length() > 2 && stem.charAt(stem.length() - 1) == stem.charAt(stem.length() - 2)) adjectives.add(stem.substring(0, stem.length() - 1));
        for (String a : adjectives) if (isAdjective(a)) return true;
        return false;
    }

    // ---- verbs -----------------------------------------------------------------------------------

    /**
     * The irregular verb a learner's regular-looking past stands for ("goed" → "go", "buyed" → "buy",
     * "writed" → "write", "runned" → "run"), or null when {@code word} is no such form or is itself a word.
     */
    public VerbForms irregularVerbFor(String word) {
        if (!word.endsWith("ed") || isWord(word)) return null;
        String stem = word.substring(0, word.length() - 2);
        int n = stem.length();
        String undoubled = n > 2 && stem.charAt(n - 1) == stem.charAt(n - 2) ? stem.substring(0, n - 1) : stem;   // "runned"
        for (String base : List.of(stem, stem + "e", undoubled)) {
            if (irregularVerbs.containsKey(base) || base.equals("go")) return verbForms(base);
        }
        return null;
    }

    /** The irregular past a learner's regular-looking past stands for ("goed" → "went"; {@link #irregularVerbFor}), or null. */
    public String irregularPastFor(String word) {
        VerbForms forms = irregularVerbFor(word);
        return forms == null ? null : forms.past();
    }

    /** Whether the base form is one of the common irregular verbs ("go", "take"). */
    public boolean isIrregularVerb(String base) {
        return irregularVerbs.containsKey(base);
    }

    /** The forms of a verb given its base form, or null if the lexicon does not know it as a verb. */
    public VerbForms verbForms(String base) {
        if (!isVerb(base)) return null;
        return verbFormsCache.computeIfAbsent(base, this::buildVerbForms);
    }

    private VerbForms buildVerbForms(String b) {
        return switch (b) {
            case "be" -> new VerbForms("be", "is", "was", "been", "being");
            case "have" -> new VerbForms("have", "has", "had", "had", "having");
            case "do" -> new VerbForms("do", "does", "did", "done", "doing");
            case "go" -> new VerbForms("go", "goes", "went", "gone", "going");
            default -> {
                String[] irr = irregularVerbs.get(b);
                String past = irr != null ? irr[0] : regularPast(b);
                String pp = irr != null ? irr[1] : past;
                yield new VerbForms(b, thirdPerson(b), past, pp, ing(b));
            }
        };
    }

    private String thirdPerson(String b) {
        if (b.endsWith("y") && b.length() > 1 && !isVowel(b.charAt(b.length() - 2))) return b.substring(0, b.length() - 1) + "ies";
        if (b.endsWith("s") || b.endsWith("x") || b.endsWith("z") || b.endsWith("ch") || b.endsWith("sh") || b.endsWith("o")) {
            return known(b + "es", b + "s");
        }
        return b + "s";
    }

    private String regularPast(String b) {
        if (b.endsWith("e")) return b + "d";
        if (b.endsWith("y") && b.length() > 1 && !isVowel(b.charAt(b.length() - 2))) return b.substring(0, b.length() - 1) + "ied";
        String doubled = b + b.charAt(b.length() - 1) + "ed";
        if (endsConsonantVowelConsonant(b) && (words.contains(doubled) || verbExceptions.containsKey(doubled))) return doubled;
        return b + "ed";
    }

    private String ing(String b) {
        if (b.endsWith("ie")) return b.substring(0, b.length() - 2) + "ying";
        if (b.endsWith("e") && !b.endsWith("ee") && !b.endsWith("ye") && !b.endsWith("oe") && b.length() > 2) {
            return known(b.substring(0, b.length() - 1) + "ing", b + "ing");
        }
        String doubled = b + b.charAt(b.length() - 1) + "ing";
        if (endsConsonantVowelConsonant(b) && (words.contains(doubled) || verbExceptions.containsKey(doubled))) return doubled;
        return b + "ing";
    }

    private String known(String preferred, String fallback) {
        if (words.contains(preferred)) return preferred;
        if (words.contains(fallback)) return fallback;
        return preferred;
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }

    private static boolean endsConsonantVowelConsonant(String b) {
        int n = b.length();
        if (n < 3) return false;
        char c1 = b.charAt(n - 3), v = b.charAt(n - 2), c2 = b.charAt(n - 1);
        return !isVowel(c1) && isVowel(v) && !isVowel(c2) && "wxy".indexOf(c2) < 0;
    }

    /** An auxiliary or a modal: a form of "be", "have" or "do", or "can", "will", ... */
    public static boolean isAuxiliary(String w) {
        return BE_FORMS.contains(w) || HAVE_FORMS.contains(w) || DO_FORMS.contains(w) || MODALS.contains(w);
    }

    /** Whether {@code w} can be a verb's past ("went", "visited", "put"). */
    public boolean isPast(String w) {
        return canBe(w, VerbForm.PAST);
    }

    /** Whether {@code w} can be a verb in {@code form} ("go" a base form, "seen" a past participle, "put" either). */
    public boolean canBe(String w, VerbForm form) {
        return verbReadings(w).stream().anyMatch(r -> r.form() == form);
    }

    /**
     * {@code w}'s (last) reading in one of {@code forms} when {@code w} is plainly a present verb: not also a past or
     * a participle ("put", "come"), not an adverb ("still", "further"), not a modal ("can", "must"); else null. A
     * word that is also an adjective or a preposition counts ("like", "clean"): the stages after the model ask this
     * of the word right after a subject, where it is the verb.
     */
    public VerbReading presentReading(String w, VerbForm... forms) {
        if (MODALS.contains(w) || isAdverb(w)) return null;
        VerbReading found = null;
        for (VerbReading r : verbReadings(w)) {
            if (r.form() == VerbForm.PAST || r.form() == VerbForm.PAST_PARTICIPLE) return null;
            for (VerbForm form : forms) if (r.form() == form) found = r;
        }
        return found;
    }

    /** Every reading of a word as a form of a known verb ("saw" → see/PAST and saw/BASE). */
    public List<VerbReading> verbReadings(String w) {
        Set<VerbReading> out = new LinkedHashSet<>();
        switch (w) {
            case "am", "is", "are" -> out.add(new VerbReading("be", w.equals("is") ? VerbForm.THIRD_PERSON : VerbForm.BASE));
            case "was", "were" -> out.add(new VerbReading("be", VerbForm.PAST));
            default -> {
            }
        }
        for (VerbReading r : irregularReadings.getOrDefault(w, List.of())) out.add(r);
        Set<String> bases = new LinkedHashSet<>();
        bases.add(w);
        for (String suffix : new String[] {"s", "es", "ed", "d", "ing"}) {
            if (w.endsWith(suffix) && w.length() > suffix.length() + 1) {
                String stem = w.substring(0, w.length() - suffix.length());
                bases.add(stem);
                if (suffix.equals("ing")) bases.add(stem + "e");
                if (stem.endsWith("i")) bases.add(stem.substring(0, stem.length() - 1) + "y");
                if (stem.length() > 2 && stem.charAt(stem.length() - 1) == stem.charAt(stem.length() - 2)) {
                    bases.add(stem.substring(0, stem.length() - 1));
                }
                if (w.endsWith("ying")) bases.add(w.substring(0, w.length() - 4) + "ie");
            }
        }
        bases.addAll(verbExceptions.getOrDefault(w, List.of()));
        for (String b : bases) {
            VerbForms f = verbForms(b);
            if (f == null) continue;
            for (VerbForm form : VerbForm.values()) {
                if (w.equals(f.get(form))) out.add(new VerbReading(b, form));
            }
        }
        return List.copyOf(out);
    }

    // ---- nouns -----------------------------------------------------------------------------------

    /** The plural of a noun (irregular if it has one), or null if the lexicon does not know the noun. */
    public String plural(String noun) {
        String irr = irregularPlural.get(noun);
        if (irr != null) return irr;
        if (!isNoun(noun)) return null;
        return regularPlural(noun);
    }

    /** The plural made by the regular rules, right or not ("child" → "childs" is what a learner writes). */
    public String regularPlural(String noun) {
        int n = noun.length();
        if (n > 1 && noun.endsWith("y") && !isVowel(noun.charAt(n - 2))) return noun.substring(0, n - 1) + "ies";
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("z") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        if (noun.endsWith("o")) return known(noun + "es", noun + "s");
        return noun + "s";
    }

    /** Whether the noun has a plural that the regular rules do not make ("child" → "children"). */
    public boolean hasIrregularPlural(String noun) {
        String irr = irregularPlural.get(noun);
        return irr != null && !irr.equals(regularPlural(noun));
    }

    /** The singular(s) of a plural noun form ("children" → child), empty if it is not one. */
    public List<String> singulars(String w) {
        Set<String> out = new LinkedHashSet<>();
        for (String lemma : nounExceptions.getOrDefault(w, List.of())) {
            if (!lemma.equals(w)) out.add(lemma);
        }
        if (w.length() > 3 && w.endsWith("s")) {
            List<String> stems = new ArrayList<>();
            stems.add(w.substring(0, w.length() - 1));
            if (w.endsWith("es")) stems.add(w.substring(0, w.length() - 2));
            if (w.endsWith("ies")) stems.add(w.substring(0, w.length() - 3) + "y");
            for (String s : stems) {
                if (isNoun(s) && w.equals(plural(s))) out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Whether the noun is usually uncountable ("information", "advice"). */
    public boolean isUncountable(String noun) {
        return uncountable.contains(noun);
    }

    /** The hand-written uncountable nouns. */
    public Set<String> uncountableNouns() {
        return Collections.unmodifiableSet(uncountable);
    }

    // ---- prepositions ----------------------------------------------------------------------------

    public boolean isPreposition(String w) {
        return prepositions.contains(w);
    }

    public List<String> prepositions() {
        return Collections.unmodifiableList(prepositions);
    }

    /** Prepositions learners put in place of this one (in → on, at, into). */
    public List<String> confusablePrepositions(String p) {
        return prepositionConfusions.getOrDefault(p, List.of());
    }

    /** The preposition learners wrongly add after this verb ("discuss" → "about"), or null. */
    public String prepositionLearnersAdd(String verbBase) {
        return prepositionInsertions.get(verbBase);
    }

    /** What learners write instead of the preposition this verb (base form) or adjective takes ("depend on"). */
    public List<PrepositionSlip> prepositionSlips(String word) {
        return prepositionSlips.getOrDefault(word, List.of());
    }

    // ---- adjectives and adverbs --------------------------------------------------------------------

    /** The -ly adverb of an adjective ("quick" → "quickly", "good" → "well"), or null. */
    public String adverbOf(String adjective) {
        return adverbOfAdjective.get(adjective);
    }

    /** The adjective an adverb is made from ("quickly" → "quick"), or null. */
    public String adjectiveOf(String adverb) {
        return adjectiveOfAdverb.get(adverb);
    }

    // ---- spelling ------------------------------------------------------------------------------------

    /** The correction of a real misspelling ("recieved" → "received"), or null if {@code misspelling} is none the list holds. */
    public String correctionOf(String misspelling) {
        return misspelt.get(misspelling);
    }

    /** Real misspellings of a word seen in written text ("received" → "recieved"), in file order; empty if none. */
    public List<String> misspellingsOf(String word) {
        return misspellings.getOrDefault(word, List.of());
    }

    // ---- real-word confusions ----------------------------------------------------------------------

    /** The confusion set the word belongs to, or null. */
    public Confusion confusion(String w) {
        return confusionOf.get(w);
    }
}
