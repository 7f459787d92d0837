package miniserve.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import miniserve.language.ErrorType;
import miniserve.language.Keyboard;
import miniserve.language.FinishedTime;
import miniserve.language.Lexicon;
import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbForms;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff;
import miniserve.language.WordDiff.Token;

/**
 * Makes learner-like sentences from clean English: each error is put in by a rule that records what
 * it did ({@link InjectedError}), so the clean sentence is the correction and the record is the
 * reference edit.
 *
 * <p>How many errors: the target is real learner text, which has roughly one error per 11 words and
 * about a third of its sentences needing no edit. So a sentence is left clean with a probability that
 * falls with its length (about a third over the UD training text), and otherwise gets 1 + Poisson(λ)
 * errors, at most 5, with λ growing with its length ({@code ./miniserve synth stats} measures the
 * result). Which error: a type drawn by weight (the {@link Profile}'s), then a rule of that type by
 * weight, then one of the places where it applies. Two errors never touch the same or adjacent
 * tokens, so each stays a separate edit. Rules only make errors that the sentence itself shows to be
 * errors where that can be checked without a parser (tense only against a time word or another verb,
 * noun number against its determiner, confusions only from sets where the wrong word is always wrong).
 *
 * <p>Deterministic: the same sentence and the same random state give the same pair;
 * {@link #pairs(List, long)} derives one random state per sentence from the seed and its index.
 */
public final class SyntheticErrors {

    /** Sentences outside this many words are not used (the tutor's limit is 40 words). */
    public static final int MIN_WORDS = 4;
    public static final int MAX_WORDS = 40;

    private static final int MAX_ERRORS = 5;

    /**
     * Which errors are drawn, and how often. {@link #ORIGINAL} is the mix the first tutor was trained
     * on: articles, prepositions, spelling and punctuation as the commonest learner errors, noun
     * number, tense and verb form weighted above their share because their rules apply in fewer
     * sentences (a type that cannot apply is skipped), which brings their share of the injected errors
     * to about 4-7% ({@code ./miniserve synth stats} measures it). {@link #LEARNER} leans on what
     * beginners get wrong most and a tutor must catch: subject-verb agreement (also after a noun
     * subject, "my friend have"), verb form and tense with a time cue, articles including a/an, noun
     * number, prepositions with common verbs and real misspellings, with less punctuation and
     * capitalisation (which the first tutor already fixes); it also has rules of its own (the
     * {@link Rule}s marked learner-only). Tense and noun number weigh far more than the others because
     * their rules apply in few sentences: over the UD training text (seed 1) the learner mix is about
     * articles 14%, prepositions 13%, spelling 13%, verb form 12%, agreement 12%, tense 11% and noun
     * number 10% (85% together), the other six types 15%. In the Cambridge Learner Corpus the commonest
     * error types are word choice, prepositions, determiners, punctuation, verb tense/form, noun number
     * and agreement (Nicholls 2003, "The Cambridge Learner Corpus: error coding and analysis", Corpus
     * Linguistics 2003); word choice is left low here because only real-word confusions can be injected
     * without a parser, and punctuation because the first tutor already fixes it. {@link #LEARNER_1} is
     * the first learner mix, without the learner-only rules, as legs 1 and 2 of the tutor used it.
     */
    public enum Profile {
        ORIGINAL(Map.ofEntries(
                Map.entry(ErrorType.ARTICLE, 15), Map.entry(ErrorType.PREPOSITION, 11), Map.entry(ErrorType.SPELLING, 12),
                Map.entry(ErrorType.PUNCTUATION, 10), Map.entry(ErrorType.NOUN_NUMBER, 20), Map.entry(ErrorType.AGREEMENT, 8),
                Map.entry(ErrorType.VERB_FORM, 14), Map.entry(ErrorType.WORD_CHOICE, 7), Map.entry(ErrorType.TENSE, 16),
                Map.entry(ErrorType.CAPITALIZATION, 6), Map.entry(ErrorType.PRONOUN, 5), Map.entry(ErrorType.ADJ_ADV, 5),
                Map.entry(ErrorType.WORD_ORDER, 3)), false, false),
        /**
         * The first learner mix, which legs 1 and 2 of the shipped tutor were trained on: kept as it was
         * so that weights/recipe.json can re-run those legs on the same data.
         */
        LEARNER_1(Map.ofEntries(
                Map.entry(ErrorType.ARTICLE, 18), Map.entry(ErrorType.PREPOSITION, 12), Map.entry(ErrorType.SPELLING, 10),
                Map.entry(ErrorType.PUNCTUATION, 4), Map.entry(ErrorType.NOUN_NUMBER, 20), Map.entry(ErrorType.AGREEMENT, 22),
                Map.entry(ErrorType.VERB_FORM, 16), Map.entry(ErrorType.WORD_CHOICE, 5), Map.entry(ErrorType.TENSE, 20),
                Map.entry(ErrorType.CAPITALIZATION, 3), Map.entry(ErrorType.PRONOUN, 4), Map.entry(ErrorType.ADJ_ADV, 3),
                Map.entry(ErrorType.WORD_ORDER, 2)), true, false),
        LEARNER(learnerMix(), true, true),
        /**
         * The learner mix with twice the articles, "a"/"an" confused four times as often among them, and
         * half as much agreement again: the kinds the tutor after leg 7 still misses most on beginner
         * sentences ("a idea", "my uncle work"). A name of its own, so that the legs trained on
         * {@link #LEARNER} re-run on the same data.
         */
        LEARNER_2(reweighted(learnerMix(), Map.of(ErrorType.ARTICLE, 32, ErrorType.AGREEMENT, 39)), true, true,
                Map.of(Rule.A_AN, 8)),
        /**
         * {@link #LEARNER_2} with word order, punctuation and capitalisation brought back to about their share
         * in {@link #ORIGINAL} (over the UD training text, seed 1: word order 1.5% → 4.2%, punctuation 3.4% →
         * 8.2%, capitalisation 3.0% → 7.7%; prepositions kept at 12%, articles 20% → 16%, agreement 14% → 12%):
         * the tutor trained on learner-2 alone corrects none of the synthetic held-out set's swapped words,
         * having seen few.
         */
        LEARNER_3(reweighted(learnerMix(), Map.ofEntries(Map.entry(ErrorType.ARTICLE, 32), Map.entry(ErrorType.AGREEMENT, 39),
                Map.entry(ErrorType.WORD_ORDER, 5), Map.entry(ErrorType.PREPOSITION, 20), Map.entry(ErrorType.PUNCTUATION, 12),
                Map.entry(ErrorType.CAPITALIZATION, 9), Map.entry(ErrorType.SPELLING, 12))), true, true,
                Map.of(Rule.A_AN, 8));

        final Map<ErrorType, Integer> typeWeights;
        /** Agreement errors after a noun subject ("my sister have"), besides those after a pronoun. */
        final boolean nounSubjectAgreement;
        /**
         * The {@link Rule}s marked learner-only, and no article inserted where the result may well be
         * right ("the" before a plural, or after a preposition: "in the school").
         */
        final boolean learnerRules;

        /** The type weights of {@link #LEARNER}, which {@link #LEARNER_2} changes in part. */
        private static Map<ErrorType, Integer> learnerMix() {
            return Map.ofEntries(
                Map.entry(ErrorType.ARTICLE, 16), Map.entry(ErrorType.PREPOSITION, 14), Map.entry(ErrorType.SPELLING, 8),
                Map.entry(ErrorType.PUNCTUATION, 3), Map.entry(ErrorType.NOUN_NUMBER, 90), Map.entry(ErrorType.AGREEMENT, 26),
                Map.entry(ErrorType.VERB_FORM, 30), Map.entry(ErrorType.WORD_CHOICE, 4), Map.entry(ErrorType.TENSE, 150),
                Map.entry(ErrorType.CAPITALIZATION, 2), Map.entry(ErrorType.PRONOUN, 3), Map.entry(ErrorType.ADJ_ADV, 5),
                Map.entry(ErrorType.WORD_ORDER, 1));
        }

        /** {@code base} with the weights of {@code changed} in place of its own. */
        private static Map<ErrorType, Integer> reweighted(Map<ErrorType, Integer> base, Map<ErrorType, Integer> changed) {
            Map<ErrorType, Integer> out = new EnumMap<>(base);
            out.putAll(changed);
            return out;
        }

        /** Rules weighted otherwise than {@link Rule#weight}. */
        final Map<Rule, Integer> ruleWeights;

        Profile(Map<ErrorType, Integer> typeWeights, boolean nounSubjectAgreement, boolean learnerRules) {
            this(typeWeights, nounSubjectAgreement, learnerRules, Map.of());
        }

        Profile(Map<ErrorType, Integer> typeWeights, boolean nounSubjectAgreement, boolean learnerRules,
                Map<Rule, Integer> ruleWeights) {
            this.typeWeights = new EnumMap<>(typeWeights);
            this.nounSubjectAgreement = nounSubjectAgreement;
            this.learnerRules = learnerRules;
            this.ruleWeights = ruleWeights;
        }

        /** The rule's weight among the rules of its type in this profile. */
        int weight(Rule rule) {
            return ruleWeights.getOrDefault(rule, rule.weight);
        }

        /** The name on the command line: "original", "learner-1", "learner", "learner-2", "learner-3". */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether this profile makes the errors of {@code rule}. */
        boolean uses(Rule rule) {
            return learnerRules || !rule.learnerOnly;
        }

        /** The profile named {@code name} (case-insensitive), or an error listing the names. */
        public static Profile named(String name) {
            List<String> known = new ArrayList<>();
            for (Profile p : values()) {
                if (p.cliName().equalsIgnoreCase(name.replace('_', '-'))) return p;
                known.add(p.cliName());
            }
            throw new IllegalArgumentException("unknown error profile '" + name + "' (known: " + String.join(", ", known) + ")");
        }
    }

    static final Map<String, String> AGREEMENT_SWAPS = Map.ofEntries(
            Map.entry("is", "are"), Map.entry("are", "is"), Map.entry("am", "is"),
            Map.entry("was", "were"), Map.entry("were", "was"),
            Map.entry("has", "have"), Map.entry("have", "has"),
            Map.entry("does", "do"), Map.entry("do", "does"),
            Map.entry("doesn't", "don't"), Map.entry("don't", "doesn't"),
            Map.entry("isn't", "aren't"), Map.entry("aren't", "isn't"),
            Map.entry("wasn't", "weren't"), Map.entry("weren't", "wasn't"),
            Map.entry("hasn't", "haven't"), Map.entry("haven't", "hasn't"));
    static final Map<String, List<String>> PRONOUN_SWAPS = Map.ofEntries(
            Map.entry("i", List.of("me")), Map.entry("me", List.of("I", "my")),
            Map.entry("he", List.of("him", "his")), Map.entry("him", List.of("he", "his")),
            Map.entry("she", List.of("her")), Map.entry("her", List.of("she")),
            Map.entry("we", List.of("us", "our")), Map.entry("us", List.of("we")),
            Map.entry("they", List.of("them", "their")), Map.entry("them", List.of("they", "their")),
            Map.entry("my", List.of("me", "mine")), Map.entry("our", List.of("us", "ours")),
            Map.entry("their", List.of("them", "theirs")), Map.entry("your", List.of("yours")),
            Map.entry("mine", List.of("my")), Map.entry("yours", List.of("your")), Map.entry("ours", List.of("our")),
            Map.entry("theirs", List.of("their")), Map.entry("himself", List.of("hisself", "him")),
            Map.entry("themselves", List.of("theirselves", "themself", "them")),
            Map.entry("myself", List.of("me")), Map.entry("herself", List.of("her")),
            Map.entry("whom", List.of("who")), Map.entry("who", List.of("which")));
    private static final String KEYBOARD_ROWS = String.join(" ", Keyboard.ROWS);

    private final Lexicon lex;
    private final Profile profile;

    public SyntheticErrors() {
        this(Lexicon.standard());
    }

    public SyntheticErrors(Lexicon lexicon) {
        this(lexicon, Profile.ORIGINAL);
    }

    public SyntheticErrors(Lexicon lexicon, Profile profile) {
        this.lex = lexicon;
        this.profile = profile;
    }

    // ---- the clean source ----------------------------------------------------------------------

    /**
     * Reads one sentence per line and keeps those {@link #usable} as clean text. Throws an
     * {@link UncheckedIOException} with the file name if it cannot be read.
     */
    public List<String> readClean(Path file) {
        return readClean(file, MAX_WORDS);
    }

    /**
     * As {@link #readClean(Path)}, keeping sentences of up to {@code maxWords} words; a file whose
     * name ends in {@code .gz} is read through gzip.
     */
    public List<String> readClean(Path file, int maxWords) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> out = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String s = line.strip();
                if (usable(s, maxWords)) out.add(s);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a line is plausible tutor input: 4 to 40 words, at most 300 characters, no URLs,
     * e-mail addresses or markup characters. (The load-test workload takes any such dev sentence.)
     */
    public static boolean plausibleInput(String s) {
        return plausibleInput(s, MAX_WORDS);
    }

    static boolean plausibleInput(String s, int maxWords) {
        if (s.isEmpty() || s.length() > 300 * maxWords / MAX_WORDS) return false;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.contains("http") || lower.contains("www.") || lower.contains("@") || lower.contains("://")
                || lower.matches(".*\\.(com|org|net|edu|gov)\\b.*")) {
            return false;
        }
        for (char c : "<>|_=*~^{}[]\\#\t".toCharArray()) if (s.indexOf(c) >= 0) return false;
        int words = wordCount(s);
        return words >= MIN_WORDS && words <= maxWords;
    }

    /**
     * Whether a sentence of web English is clean enough to stand as a correction: {@link #plausibleInput},
     * begins with a capital letter and ends with '.', '!' or '?',
     * not shouting (mostly capitals), no lone lower-case "i", no repeated '!!'/'??', no lower-case word
     * unknown to the word list (the web text's own misspellings and slang: "dont", "definately"), and at
     * most a third of the words unknown capitalised ones (names are fine, garbled or foreign text is not).
     */
    public boolean usable(String s) {
        return usable(s, MAX_WORDS);
    }

    /** As {@link #usable(String)}, with sentences of up to {@code maxWords} words. */
    public boolean usable(String s, int maxWords) {
        if (!plausibleInput(s, maxWords)) return false;
        if (s.contains("!!") || s.contains("??") || s.contains("?!") || s.contains("--")) return false;
        if (!Character.isUpperCase(s.codePointAt(0))) return false;
        List<Token> tokens = WordDiff.tokenize(s);
        String last = tokens.get(tokens.size() - 1).text();
        if (!(last.equals(".") || last.equals("!") || last.equals("?"))) return false;
        int words = 0, unknown = 0, letters = 0, upper = 0;
        for (Token t : tokens) {
            if (!t.isWord()) continue;
            words++;
            if (t.text().equals("i")) return false;
            if (!lex.isWord(t.text())) {
                if (t.text().equals(t.text().toLowerCase(Locale.ROOT))) return false;
                unknown++;
            }
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
                if (Character.isUpperCase(c)) upper++;
            }
        }
        if (upper * 10 > letters * 3) return false;
        return unknown * 3 <= words;
    }

    /** The number of words (not punctuation) in a sentence. */
    public static int wordCount(String s) {
        int n = 0;
        for (Token t : WordDiff.tokenize(s)) if (t.isWord()) n++;
        return n;
    }

    // ---- pairs ------------------------------------------------------------------------------------

    /** One pair per clean sentence; sentence {@code i} uses a random state derived from {@code seed} and {@code i}. */
    public List<TrainingPair> pairs(List<String> clean, long seed) {
        List<TrainingPair> out = new ArrayList<>(clean.size());
        for (int i = 0; i < clean.size(); i++) out.add(corrupt(clean.get(i), randomFor(seed, i)));
        return out;
    }

    /** The random state {@link #pairs} uses for sentence {@code index}. */
    public static SplittableRandom randomFor(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 31)) * 0xD6E8F25DA2C7A4A5L;
        return new SplittableRandom(z ^ (z >>> 29));
    }

    /** Probability that a sentence of {@code words} words is left without errors. */
    static double cleanProbability(int words) {
        return 0.23 + 0.30 * Math.exp(-words / 12.0);
    }

    /** Mean number of errors beyond the first in a sentence that gets errors. */
    static double extraErrorRate(int words) {
        return Math.max(0, words * 0.135 - 1.0);
    }

    /** A learner-like version of {@code clean} and the record of its errors (maybe none). */
    public TrainingPair corrupt(String clean, SplittableRandom rnd) {
        Sentence s = new Sentence(WordDiff.tokenize(clean), rnd.nextLong());
        int words = 0;
        for (Token t : s.tokens) if (t.isWord()) words++;
        if (s.n() == 0 || rnd.nextDouble() < cleanProbability(words)) return new TrainingPair(clean, clean, List.of());
        int wanted = Math.min(MAX_ERRORS, 1 + poisson(rnd, extraErrorRate(words)));
        List<Proposal> chosen = new ArrayList<>();
        for (int e = 0; e < wanted; e++) {
            Map<ErrorType, Integer> weights = new EnumMap<>(profile.typeWeights);
            while (!weights.isEmpty()) {
                ErrorType type = drawType(weights, rnd);
                List<Proposal> candidates = new ArrayList<>();
                for (Proposal p : propose(type, s)) if (fits(p, chosen, s)) candidates.add(p);
                if (!candidates.isEmpty()) {
                    chosen.add(pick(candidates, rnd));
                    break;
                }
                weights.remove(type);
            }
        }
        if (chosen.isEmpty()) return new TrainingPair(clean, clean, List.of());
        chosen.sort(Comparator.comparingInt(Proposal::start));
        return render(clean, s, chosen);
    }

    private static ErrorType drawType(Map<ErrorType, Integer> weights, SplittableRandom rnd) {
        int total = 0;
        for (int w : weights.values()) total += w;
        int r = rnd.nextInt(total);
        for (var e : weights.entrySet()) {
            r -= e.getValue();
            if (r < 0) return e.getKey();
        }
        throw new AssertionError();
    }

    private static int poisson(SplittableRandom rnd, double lambda) {
        double limit = Math.exp(-lambda), p = 1;
        int k = -1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > limit);
        return k;
    }

    /**
     * The rules, each with the type of error it makes and its weight among the rules of that type
     * that apply to a sentence (a missing article is commoner in learner text than "a"/"an" confused).
     */
    enum Rule {
        ARTICLE_DROP(ErrorType.ARTICLE, 5), ARTICLE_INSERT(ErrorType.ARTICLE, 3), A_AN(ErrorType.ARTICLE, 2),
        ARTICLE_SWAP(ErrorType.ARTICLE, 1), DETERMINER_NUMBER(ErrorType.ARTICLE, 1),
        PREPOSITION_SWAP(ErrorType.PREPOSITION, 5), PREPOSITION_DROP(ErrorType.PREPOSITION, 3),
        PREPOSITION_INSERT(ErrorType.PREPOSITION, 2),
        AGREEMENT_AUXILIARY(ErrorType.AGREEMENT, 2), AGREEMENT_VERB(ErrorType.AGREEMENT, 2),
        TENSE_BE(ErrorType.TENSE, 1), TENSE_VERB(ErrorType.TENSE, 2),
        FORM_AFTER_MODAL(ErrorType.VERB_FORM, 2), FORM_AFTER_BE(ErrorType.VERB_FORM, 1), FORM_AFTER_HAVE(ErrorType.VERB_FORM, 1),
        NOUN_UNCOUNTABLE(ErrorType.NOUN_NUMBER, 1), NOUN_IRREGULAR(ErrorType.NOUN_NUMBER, 1),
        NOUN_PLURAL(ErrorType.NOUN_NUMBER, 2), NOUN_SINGULAR(ErrorType.NOUN_NUMBER, 2),
        SPELLING_NOISE(ErrorType.SPELLING, 1),
        COMMA_DROP(ErrorType.PUNCTUATION, 3), FULL_STOP_DROP(ErrorType.PUNCTUATION, 2), APOSTROPHE_DROP(ErrorType.PUNCTUATION, 1),
        LOWER_I(ErrorType.CAPITALIZATION, 2), LOWER_START(ErrorType.CAPITALIZATION, 2), LOWER_NAME(ErrorType.CAPITALIZATION, 2),
        UPPER_NOUN(ErrorType.CAPITALIZATION, 1),
        PRONOUN_CASE(ErrorType.PRONOUN, 1),
        ADVERB_AS_ADJECTIVE(ErrorType.ADJ_ADV, 2), ADJECTIVE_AS_ADVERB(ErrorType.ADJ_ADV, 1),
        ADJACENT_SWAP(ErrorType.WORD_ORDER, 1),
        CONFUSION(ErrorType.WORD_CHOICE, 1),
        // Only in the learner profile (so the original profile's pairs, and the evaluation set built
        // from them, stay as they were).
        SPELLING_REAL(ErrorType.SPELLING, 3, true), A_BEFORE_PLURAL(ErrorType.ARTICLE, 2, true),
        VERB_PREPOSITION(ErrorType.PREPOSITION, 8, true), BE_BEFORE_VERB(ErrorType.VERB_FORM, 1, true),
        PERFECT_WITH_PAST_TIME(ErrorType.TENSE, 2, true), SINCE_WITH_PRESENT(ErrorType.TENSE, 3, true),
        DOUBLE_COMPARATIVE(ErrorType.ADJ_ADV, 3, true);

        final ErrorType type;
        final int weight;
        final boolean learnerOnly;

        Rule(ErrorType type, int weight) {
            this(type, weight, false);
        }

        Rule(ErrorType type, int weight, boolean learnerOnly) {
            this.type = type;
            this.weight = weight;
            this.learnerOnly = learnerOnly;
        }
    }

    /**
     * One proposed error: clean tokens {@code [start, end)} become {@code tokens} in the learner's
     * sentence ({@code start == end} inserts).
     */
    record Proposal(Rule rule, int start, int end, List<String> tokens) {
        ErrorType type() {
            return rule.type;
        }

        /** The clean tokens this error touches, counting an insertion as touching both neighbours. */
        int lo() {
            return start == end ? start - 1 : start;
        }

        int hi() {
            return start == end ? end : end - 1;
        }
    }

    /** Picks a rule by the profile's weight among those with a candidate, then one of its candidates uniformly. */
    private Proposal pick(List<Proposal> candidates, SplittableRandom rnd) {
        Map<Rule, List<Proposal>> byRule = new EnumMap<>(Rule.class);
        for (Proposal p : candidates) byRule.computeIfAbsent(p.rule(), k -> new ArrayList<>()).add(p);
        int total = 0;
        for (Rule r : byRule.keySet()) total += profile.weight(r);
        int x = rnd.nextInt(total);
        for (var e : byRule.entrySet()) {
            x -= profile.weight(e.getKey());
            if (x < 0) return e.getValue().get(rnd.nextInt(e.getValue().size()));
        }
        throw new AssertionError();
    }

    /** Whether a proposal is a real change and keeps at least one untouched token from every chosen one. */
    private static boolean fits(Proposal p, List<Proposal> chosen, Sentence s) {
        for (Proposal c : chosen) {
            if (p.lo() <= c.hi() + 1 && c.lo() <= p.hi() + 1) return false;
        }
        int len = p.end() - p.start();
        if (len == p.tokens().size()) {
            boolean same = true;
            for (int k = 0; k < len; k++) same &= s.text(p.start() + k).equals(p.tokens().get(k));
            if (same) return false;
        }
        // An inserted or dropped token equal to its neighbour would make the position of the edit ambiguous.
        if (len == 0 && p.tokens().size() == 1) {
            String t = p.tokens().get(0).toLowerCase(Locale.ROOT);
            if ((p.start() > 0 && s.lower(p.start() - 1).equals(t)) || (p.start() < s.n() && s.lower(p.start()).equals(t))) return false;
        }
        if (len == 1 && p.tokens().isEmpty()) {
            String t = s.lower(p.start());
            if ((p.start() > 0 && s.lower(p.start() - 1).equals(t)) || (p.end() < s.n() && s.lower(p.end()).equals(t))) return false;
        }
        return true;
    }

    /** Builds the learner sentence: unchanged stretches keep their spacing, changed ones get ordinary spacing. */
    static TrainingPair render(String clean, Sentence s, List<Proposal> chosen) {
        List<String> out = new ArrayList<>();
        List<Integer> origin = new ArrayList<>();
        int[] spanStart = new int[chosen.size()];
        int[] spanEnd = new int[chosen.size()];
        int next = 0;
        for (int i = 0; i <= s.n(); i++) {
            while (next < chosen.size() && chosen.get(next).start() == i) {
                Proposal p = chosen.get(next);
                spanStart[next] = out.size();
                for (String t : p.tokens()) {
                    out.add(t);
                    origin.add(-1);
                }
                spanEnd[next] = out.size();
                i = p.end();
                next++;
            }
            if (i < s.n()) {
                out.add(s.text(i));
                origin.add(i);
            }
        }
        StringBuilder sb = new StringBuilder();
        int[] charStart = new int[out.size()];
        int[] charEnd = new int[out.size()];
        for (int k = 0; k < out.size(); k++) {
            if (k > 0) {
                int o = origin.get(k);
                if (o > 0 && origin.get(k - 1) == o - 1) {
                    sb.append(clean, s.tokens.get(o - 1).end(), s.tokens.get(o).start());
                } else if (WordDiff.spaceBetween(out.get(k - 1), out.get(k))) {
                    sb.append(' ');
                }
            }
            charStart[k] = sb.length();
            sb.append(out.get(k));
            charEnd[k] = sb.length();
        }
        String source = sb.toString();
        List<InjectedError> errors = new ArrayList<>();
        for (int c = 0; c < chosen.size(); c++) {
            Proposal p = chosen.get(c);
            String original = spanStart[c] == spanEnd[c] ? "" : source.substring(charStart[spanStart[c]], charEnd[spanEnd[c] - 1]);
            String replacement = WordDiff.text(clean, s.tokens, p.start(), p.end());
            errors.add(new InjectedError(p.type(), spanStart[c], spanEnd[c], original, replacement));
        }
        if (source.equals(clean)) throw new IllegalStateException("errors recorded but the sentence is unchanged: " + clean);
        return new TrainingPair(source, clean, errors);
    }

    // ---- the rules --------------------------------------------------------------------------------

    /** Every place where an error of this type can be put into the sentence. */
    List<Proposal> propose(ErrorType type, Sentence s) {
        List<Proposal> out = new ArrayList<>();
        switch (type) {
            case ARTICLE -> articles(s, out);
            case PREPOSITION -> prepositions(s, out);
            case AGREEMENT -> agreement(s, out);
            case TENSE -> tense(s, out);
            case VERB_FORM -> verbForm(s, out);
            case NOUN_NUMBER -> nounNumber(s, out);
            case SPELLING -> spelling(s, out);
            case PUNCTUATION -> punctuation(s, out);
            case CAPITALIZATION -> capitalization(s, out);
            case PRONOUN -> pronouns(s, out);
            case ADJ_ADV -> adjectiveAdverb(s, out);
            case WORD_ORDER -> wordOrder(s, out);
            case WORD_CHOICE -> wordChoice(s, out);
            case OTHER -> {
            }
        }
        if (profile.learnerRules) learnerErrors(type, s, out);
        return out;
    }

    private static Proposal replace(Rule rule, Sentence s, int i, String word) {
        return new Proposal(rule, i, i + 1, List.of(matchCase(word, s.text(i))));
    }

    /** Gives {@code word} the capitalisation of {@code model} (first letter, or all if model is all caps). */
    static String matchCase(String word, String model) {
        if (word.isEmpty() || model.isEmpty()) return word;
        if (model.length() > 1 && model.equals(model.toUpperCase(Locale.ROOT)) && !model.equals(model.toLowerCase(Locale.ROOT))) {
            return word.toUpperCase(Locale.ROOT);
        }
        if (Character.isUpperCase(model.charAt(0))) return Character.toUpperCase(word.charAt(0)) + word.substring(1);
        return word;
    }

    private void articles(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            String w = s.lower(i);
            boolean nextWord = i + 1 < s.n() && s.isWord(i + 1);
            if (Lexicon.ARTICLES.contains(w) && nextWord && i > 0) {
                out.add(new Proposal(Rule.ARTICLE_DROP, i, i + 1, List.of()));          // "I saw cat"
                if (!w.equals("the")) out.add(replace(Rule.A_AN, s, i, w.equals("a") ? "an" : "a"));
                String next = s.lower(i + 1);
                if (w.equals("the") && lex.isNoun(next) && lex.singulars(next).isEmpty() && !lex.isUncountable(next)) {
                    out.add(replace(Rule.ARTICLE_SWAP, s, i, indefiniteFor(next)));       // "a sun"
                } else if (!w.equals("the")) {
                    out.add(replace(Rule.ARTICLE_SWAP, s, i, "the"));
                }
            }
            switch (w) {
                case "this" -> { if (nextWord && lex.isNoun(s.lower(i + 1))) out.add(replace(Rule.DETERMINER_NUMBER, s, i, "these")); }
                case "these" -> out.add(replace(Rule.DETERMINER_NUMBER, s, i, "this"));
                case "those" -> out.add(replace(Rule.DETERMINER_NUMBER, s, i, "that"));
                case "many" -> { if (nextWord) out.add(replace(Rule.DETERMINER_NUMBER, s, i, "much")); }
                case "much" -> { if (nextWord && lex.isNoun(s.lower(i + 1))) out.add(replace(Rule.DETERMINER_NUMBER, s, i, "many")); }
                default -> {
                }
            }
            // An article where none belongs: before a plural or uncountable noun, or a name-less noun after a verb or preposition.
            if (i > 0 && s.isWord(i) && s.isLower(i) && s.isWord(i - 1) && !Lexicon.DETERMINER_LIKE.contains(s.lower(i - 1))
                    && !s.lower(i - 1).endsWith("'s") && !Lexicon.DETERMINER_LIKE.contains(w) && !lex.isPreposition(w)
                    && lex.isNoun(w) && !lex.isAdverb(w) && !isFunctionWord(w)) {
                boolean plural = !lex.singulars(w).isEmpty();
                boolean mass = lex.isUncountable(w);
                if (mass) {
                    out.add(new Proposal(Rule.ARTICLE_INSERT, i, i, List.of(indefiniteFor(w))));          // "an information"
                } else if (!profile.learnerRules && (plural || lex.isPreposition(s.lower(i - 1)) && !lex.isVerb(w))) {
                    // Not in the learner profile: "the" before a plural or after a preposition is often right ("in the school").
                    out.add(new Proposal(Rule.ARTICLE_INSERT, i, i, List.of("the")));
                }
            }
        }
    }

    /** "a" or "an" by the word's first letter (good enough for what learners are shown here). */
    static String indefiniteFor(String word) {
        return !word.isEmpty() && "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }

    private static final Set<String> FUNCTION_WORDS = Set.of("i", "you", "he", "she", "it", "we", "they", "me", "him",
            "her", "us", "them", "who", "what", "which", "that", "there", "here", "then", "so", "not", "no", "yes",
            "and", "or", "but", "if", "as", "because", "when", "while", "one", "something", "anything", "nothing",
            "everything", "someone", "anyone", "everyone", "lot", "kind", "sort", "way", "time", "thing", "people");

    private static boolean isFunctionWord(String w) {
        return FUNCTION_WORDS.contains(w) || w.contains("'");
    }

    private void prepositions(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            String w = s.lower(i);
            boolean nextWord = i + 1 < s.n() && s.isWord(i + 1);
            if (lex.isPreposition(w) && nextWord) {
                boolean infinitive = w.equals("to") && isInfinitive(s, i + 1);
                if (!infinitive) {
                    for (String alt : lex.confusablePrepositions(w)) out.add(replace(Rule.PREPOSITION_SWAP, s, i, alt));
                    if (Set.of("to", "of", "in", "on", "at", "for", "with", "about", "from").contains(w) && s.isWord(i - 1)) {
                        out.add(new Proposal(Rule.PREPOSITION_DROP, i, i + 1, List.of()));   // "listen music"
                    }
                }
            }
            if (s.isWord(i) && nextWord) {
                for (VerbReading r : lex.verbReadings(w)) {
                    String p = lex.prepositionLearnersAdd(r.base());
                    if (p != null && !lex.isPreposition(s.lower(i + 1)) && !s.lower(i + 1).equals(p)) {
                        out.add(new Proposal(Rule.PREPOSITION_INSERT, i + 1, i + 1, List.of(p)));  // "discuss about"
                        break;
                    }
                }
            }
        }
    }

    private boolean isVerbBase(String w) {
        for (VerbReading r : lex.verbReadings(w)) if (r.form() == VerbForm.BASE) return true;
        return false;
    }

    /**
     * Whether the word at {@code i} (after "to") is a verb's infinitive rather than a noun: a verb
     * that is not also a noun, a common irregular verb ("to go"), or a verb followed by its object.
     */
    private boolean isInfinitive(Sentence s, int i) {
        String w = s.lower(i);
        if (!isVerbBase(w)) return false;
        if (!lex.isNoun(w) || lex.isIrregularVerb(w)) return true;
        if (i + 1 >= s.n()) return false;
        String next = s.lower(i + 1);
        return Lexicon.DETERMINER_LIKE.contains(next) && !next.equals("of") || Lexicon.OBJECT_PRONOUNS.contains(next);
    }

    private VerbReading reading(String w, VerbForm form) {
        for (VerbReading r : lex.verbReadings(w)) if (r.form() == form) return r;
        return null;
    }

    private void agreement(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            String w = s.lower(i);
            String prev = i > 0 ? s.lower(i - 1) : "";
            String swap = AGREEMENT_SWAPS.get(w);
            boolean needsBase = Lexicon.MODALS.contains(prev) || prev.equals("to") || Lexicon.DO_FORMS.contains(prev);
            if (swap != null && !needsBase && !(w.equals("do") || w.equals("have")) ) {
                out.add(replace(Rule.AGREEMENT_AUXILIARY, s, i, swap));
            } else if (swap != null && (w.equals("do") || w.equals("have")) && Lexicon.NON_THIRD_PERSON_PRONOUNS.contains(prev)) {
                out.add(replace(Rule.AGREEMENT_AUXILIARY, s, i, swap));                       // "they has"
            }
            if (i == 0 || Lexicon.isAuxiliary(w) || lex.isPreposition(w) || lex.isAdverb(w)) continue;
            if (profile.nounSubjectAgreement && i >= 2 && s.isLower(i - 1)) {
                // A determiner, a noun, a verb: "my sister works", "these shops sell". A verb that is also a
                // noun counts only before an article or a preposition ("the car keys are" is a compound).
                String det = s.lower(i - 2), next = i + 1 < s.n() ? s.lower(i + 1) : "";
                boolean verbHere = !lex.isNoun(w) || Lexicon.ARTICLES.contains(next) || lex.isPreposition(next);
                boolean singular = lex.isNoun(prev) && (Lexicon.SINGULAR_DETERMINERS.contains(det)
                        || (POSSESSIVES.contains(det) && !prev.endsWith("s")));
                boolean plural = Lexicon.PLURAL_DETERMINERS.contains(det) && (prev.endsWith("s") || IRREGULAR_PLURAL_SUBJECTS.contains(prev));
                VerbReading third = reading(w, VerbForm.THIRD_PERSON), base = reading(w, VerbForm.BASE);
                if (singular && verbHere && third != null) out.add(replace(Rule.AGREEMENT_VERB, s, i, third.base()));   // "my sister work"
                else if (plural && verbHere && base != null && !isPastToo(w))
                    out.add(replace(Rule.AGREEMENT_VERB, s, i, lex.verbForms(base.base()).thirdPerson()));   // "these shops sells"
                if (singular || plural) continue;
            }
            if (Lexicon.THIRD_PERSON_PRONOUNS.contains(prev) || Set.of("who", "which", "that").contains(prev)) {
                VerbReading r = reading(w, VerbForm.THIRD_PERSON);
                if (r != null && !lex.isNoun(w)) out.add(replace(Rule.AGREEMENT_VERB, s, i, r.base()));   // "he go"
            } else if (Lexicon.NON_THIRD_PERSON_PRONOUNS.contains(prev)) {
                VerbReading r = reading(w, VerbForm.BASE);
                if (r != null && !isPastToo(w)) out.add(replace(Rule.AGREEMENT_VERB, s, i, lex.verbForms(r.base()).thirdPerson()));  // "they goes"
            }
        }
    }

    private static final Set<String> POSSESSIVES = Set.of("my", "your", "his", "her", "its", "our", "their");
    private static final Set<String> IRREGULAR_PLURAL_SUBJECTS = Set.of("people", "children", "men", "women");

    /** Forms that are both base and past ("put", "read"): changing them says nothing clear. */
    private boolean isPastToo(String w) {
        return reading(w, VerbForm.PAST) != null;
    }

    private static final Set<String> PAST_CUES = Set.of("yesterday", "ago", "last", "earlier", "previously", "once", "did", "didn't");
    private static final Set<String> PRESENT_CUES = Set.of("now", "today", "currently", "usually", "always", "often",
            "nowadays", "every", "sometimes", "never", "generally", "does", "doesn't", "do", "don't");

    /**
     * Tense errors only where the sentence says which tense it is in (a time word, or another verb in
     * that tense elsewhere): "Yesterday I go" can be corrected from the sentence alone, "I go" cannot.
     */
    private void tense(Sentence s, List<Proposal> out) {
        boolean[] pastVerb = new boolean[s.n()];
        boolean[] presentVerb = new boolean[s.n()];
        boolean pastWord = false, presentWord = false;
        for (int i = 0; i < s.n(); i++) {
            String w = s.lower(i);
            pastWord |= PAST_CUES.contains(w) || w.matches("1[0-9]{3}");
            presentWord |= PRESENT_CUES.contains(w);
            pastVerb[i] = w.equals("was") || w.equals("were") || w.equals("had")
                    || (i > 0 && !Lexicon.isAuxiliary(s.lower(i - 1)) && reading(w, VerbForm.PAST) != null && reading(w, VerbForm.BASE) == null
                    && reading(w, VerbForm.PAST_PARTICIPLE) == null && !lex.isAdjective(w));
            presentVerb[i] = w.equals("is") || w.equals("are") || w.equals("am") || w.equals("has");
        }
        for (int i = 1; i < s.n(); i++) {
            String w = s.lower(i);
            String prev = s.lower(i - 1);
            if (Lexicon.HAVE_FORMS.contains(prev) || Lexicon.BE_FORMS.contains(prev) || Lexicon.MODALS.contains(prev) || prev.equals("to")
                    || Lexicon.DO_FORMS.contains(prev)) {
                continue;
            }
            boolean pastElsewhere = pastWord, presentElsewhere = presentWord;
            for (int k = 0; k < s.n(); k++) {
                if (k == i) continue;
                pastElsewhere |= pastVerb[k];
                presentElsewhere |= presentVerb[k];
            }
            boolean third = Lexicon.THIRD_PERSON_PRONOUNS.contains(prev);
            boolean plural = Lexicon.NON_THIRD_PERSON_PRONOUNS.contains(prev);
            // The learner writes the present where the sentence is about the past, or the reverse.
            switch (w) {
                case "was" -> { if (pastElsewhere) out.add(replace(Rule.TENSE_BE, s, i, prev.equals("i") ? "am" : "is")); }
                case "were" -> { if (pastElsewhere) out.add(replace(Rule.TENSE_BE, s, i, "are")); }
                case "is", "am" -> { if (presentElsewhere) out.add(replace(Rule.TENSE_BE, s, i, "was")); }
                case "are" -> { if (presentElsewhere) out.add(replace(Rule.TENSE_BE, s, i, "were")); }
                default -> {
                    // Only with a pronoun subject, so the agreement stays right.
                    if (!(third || plural) || Lexicon.isAuxiliary(w) || lex.isPreposition(w) || lex.isAdverb(w)) continue;
                    VerbReading past = reading(w, VerbForm.PAST);
                    VerbReading base = reading(w, VerbForm.BASE);
                    VerbReading s3 = reading(w, VerbForm.THIRD_PERSON);
                    if (past != null && base == null && s3 == null && pastElsewhere) {
                        VerbForms f = lex.verbForms(past.base());
                        out.add(replace(Rule.TENSE_VERB, s, i, third ? f.thirdPerson() : f.base()));   // "yesterday he goes"
                    } else if (((third && s3 != null) || (plural && base != null && past == null)) && presentElsewhere) {
                        VerbForms f = lex.verbForms((third ? s3 : base).base());
                        if (!f.past().equals(w)) out.add(replace(Rule.TENSE_VERB, s, i, f.past()));
                    }
                }
            }
        }
    }

    private void verbForm(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            String w = s.lower(i);
            String prev = s.lower(i - 1);
            if (Lexicon.MODALS.contains(prev) || Lexicon.DO_FORMS.contains(prev) || prev.equals("to")) {
                VerbReading r = reading(w, VerbForm.BASE);
                if (r == null || Lexicon.BE_FORMS.contains(w) && !w.equals("be")) continue;
                if (prev.equals("to") && !isInfinitive(s, i)) continue;      // "to school" is not an infinitive
                VerbForms f = lex.verbForms(r.base());
                for (String alt : List.of(f.thirdPerson(), f.ing(), f.past())) {
                    if (!alt.equals(w)) out.add(replace(Rule.FORM_AFTER_MODAL, s, i, alt));   // "can goes", "to going"
                }
            } else if (Lexicon.BE_FORMS.contains(prev) && !prev.equals("being")) {
                VerbReading ing = reading(w, VerbForm.ING);
                VerbReading pp = reading(w, VerbForm.PAST_PARTICIPLE);
                if (ing != null && !lex.isNoun(w) && !lex.isAdjective(w)) {
                    out.add(replace(Rule.FORM_AFTER_BE, s, i, ing.base()));                // "is go"
                } else if (pp != null && !lex.isAdjective(w) && !pp.base().equals(w)) {
                    VerbForms f = lex.verbForms(pp.base());
                    if (!f.ing().equals(w)) out.add(replace(Rule.FORM_AFTER_BE, s, i, f.base()));   // "was build"
                }
            } else if (Lexicon.HAVE_FORMS.contains(prev)) {
                VerbReading pp = reading(w, VerbForm.PAST_PARTICIPLE);
                if (pp == null || pp.base().equals(w)) continue;
                VerbForms f = lex.verbForms(pp.base());
                if (!f.past().equals(w)) out.add(replace(Rule.FORM_AFTER_HAVE, s, i, f.past()));    // "have went"
                else if (!f.base().equals(w)) out.add(replace(Rule.FORM_AFTER_HAVE, s, i, f.base()));  // "have walk"
            }
        }
    }

    private void nounNumber(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            if (!s.isWord(i) || !s.isLower(i) || lex.isPreposition(s.lower(i)) || Lexicon.isAuxiliary(s.lower(i))) continue;
            String w = s.lower(i);
            String prev = s.lower(i - 1);
            boolean verbSlot = Lexicon.MODALS.contains(prev) || Lexicon.DO_FORMS.contains(prev) || prev.equals("to")
                    || Lexicon.SUBJECT_PRONOUNS.contains(prev);
            if (lex.isUncountable(w) && !Lexicon.SINGULAR_DETERMINERS.contains(prev) && !verbSlot) {
                out.add(replace(Rule.NOUN_UNCOUNTABLE, s, i, lex.regularPlural(w)));           // "informations"
                continue;
            }
            List<String> singulars = lex.singulars(w);
            for (String sg : singulars) {
                if (lex.hasIrregularPlural(sg) && w.equals(lex.plural(sg))) {
                    out.add(replace(Rule.NOUN_IRREGULAR, s, i, lex.regularPlural(sg)));      // "childs"
                }
            }
            if (Lexicon.PLURAL_DETERMINERS.contains(prev) && !singulars.isEmpty() && !lex.isVerb(w)) {
                out.add(replace(Rule.NOUN_SINGULAR, s, i, singulars.get(0)));               // "many student"
            } else if (Lexicon.SINGULAR_DETERMINERS.contains(prev) && !prev.equals("that") && lex.isNoun(w) && !Lexicon.isAuxiliary(w)
                    && singulars.isEmpty() && !lex.isUncountable(w)
                    && !isFunctionWord(w) && !lex.isAdjective(w) && (i + 1 >= s.n() || !s.isWord(i + 1) || !lex.isNoun(s.lower(i + 1)))) {
                String pl = lex.plural(w);
                if (pl != null && !pl.equals(w)) out.add(replace(Rule.NOUN_PLURAL, s, i, pl));   // "a books"
            }
        }
    }

    private void spelling(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            String t = s.text(i);
            if (t.length() < 4 || !s.isWord(i) || !t.chars().allMatch(c -> c >= 'a' && c <= 'z') || !lex.isWord(t)) continue;
            // Each candidate place gets one noisy spelling, fixed for this draw so the proposal list is deterministic.
            SplittableRandom local = new SplittableRandom(s.noiseSeed + 0x9E3779B97F4A7C15L * i);
            for (int attempt = 0; attempt < 8; attempt++) {
                String noisy = spellingNoise(t, local);
                if (!noisy.equals(t) && !lex.isWord(noisy)) {
                    out.add(new Proposal(Rule.SPELLING_NOISE, i, i + 1, List.of(noisy)));
                    break;
                }
            }
        }
    }

    /** One character-level slip: drop, double, swap neighbours, a neighbouring key, or a vowel for a vowel. */
    static String spellingNoise(String w, SplittableRandom rnd) {
        int n = w.length();
        int pos = 1 + rnd.nextInt(n - 1);   // learners rarely get the first letter wrong
        char c = w.charAt(pos);
        return switch (rnd.nextInt(5)) {
            case 0 -> w.substring(0, pos) + w.substring(pos + 1);
            case 1 -> w.substring(0, pos) + c + w.substring(pos);
            case 2 -> pos + 1 < n ? w.substring(0, pos) + w.charAt(pos + 1) + c + w.substring(pos + 2)
                    : w.substring(0, pos - 1) + c + w.charAt(pos - 1);
            case 3 -> w.substring(0, pos) + neighbourKey(c, rnd) + w.substring(pos + 1);
            default -> {
                String vowels = "aeiou";
                if (vowels.indexOf(c) < 0) yield w.substring(0, pos) + neighbourKey(c, rnd) + w.substring(pos + 1);
                char v = vowels.charAt(rnd.nextInt(5));
                yield w.substring(0, pos) + v + w.substring(pos + 1);
            }
        };
    }

    private static char neighbourKey(char c, SplittableRandom rnd) {
        int k = KEYBOARD_ROWS.indexOf(c);
        if (k < 0) return c;
        int j = rnd.nextBoolean() ? k - 1 : k + 1;
        if (j < 0 || j >= KEYBOARD_ROWS.length() || KEYBOARD_ROWS.charAt(j) == ' ') j = 2 * k - j;
        return KEYBOARD_ROWS.charAt(j);
    }

    /**
     * Words a comma usually comes before ("..., but", "..., which"). Only these commas and the one after
     * an opening word or two ("However, ...") are dropped: many other commas are optional, and dropping
     * one would make an "error" that is not one.
     */
    private static final Set<String> COMMA_BEFORE = Set.of("but", "which", "although", "though", "while", "whereas",
            "so", "yet", "however", "including", "especially", "because", "and", "or", "etc", "unless", "please", "too");

    private void punctuation(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            String t = s.text(i);
            if (t.equals(",") && i + 1 < s.n() && s.isWord(i - 1) && s.isWord(i + 1) && (i <= 3 || COMMA_BEFORE.contains(s.lower(i + 1)))) {
                out.add(new Proposal(Rule.COMMA_DROP, i, i + 1, List.of()));          // dropped comma
            } else if (t.equals(".") && i == s.n() - 1 && s.isWord(i - 1)) {
                out.add(new Proposal(Rule.FULL_STOP_DROP, i, i + 1, List.of()));          // dropped full stop
            } else if (s.isWord(i) && (t.contains("'") || t.contains("\u2019"))) {
                String bare = t.replace("'", "").replace("\u2019", "");
                if (!lex.isWord(bare) && t.matches("(?i)[a-z]+['\u2019](t|re|ve|ll|m|d)")) {
                    out.add(new Proposal(Rule.APOSTROPHE_DROP, i, i + 1, List.of(bare)));   // "dont"
                }
            }
        }
    }

    private void capitalization(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            String t = s.text(i);
            if (!s.isWord(i) || !Character.isLetter(t.charAt(0))) continue;
            boolean upperFirst = Character.isUpperCase(t.charAt(0));
            boolean allCaps = t.length() > 1 && t.equals(t.toUpperCase(Locale.ROOT));
            boolean afterBoundary = i == 0 || Set.of(".", "!", "?", ":", "\"", "\u201c", "(").contains(s.text(i - 1));
            if (t.equals("I") || t.startsWith("I'") || t.startsWith("I\u2019")) {
                out.add(new Proposal(Rule.LOWER_I, i, i + 1, List.of("i" + t.substring(1))));  // "i think"
            } else if (upperFirst && !allCaps && (i == 0 || !afterBoundary)) {
                out.add(new Proposal(i == 0 ? Rule.LOWER_START : Rule.LOWER_NAME, i, i + 1, List.of(t.toLowerCase(Locale.ROOT))));  // sentence start, "english"
            } else if (!upperFirst && i > 0 && !afterBoundary && t.length() > 3 && lex.isNoun(t) && !isFunctionWord(t)) {
                out.add(new Proposal(Rule.UPPER_NOUN, i, i + 1, List.of(Character.toUpperCase(t.charAt(0)) + t.substring(1))));
            }
        }
    }

    private void pronouns(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            List<String> alts = PRONOUN_SWAPS.get(s.lower(i));
            if (alts == null || (s.lower(i).equals("who") && (i == 0 || !lex.isNoun(s.lower(i - 1))))) continue;
            for (String alt : alts) {
                out.add(alt.equals("I") ? new Proposal(Rule.PRONOUN_CASE, i, i + 1, List.of("I")) : replace(Rule.PRONOUN_CASE, s, i, alt));
            }
        }
    }

    private void adjectiveAdverb(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            if (!s.isWord(i) || !s.isLower(i)) continue;
            String w = s.lower(i);
            String adj = lex.adjectiveOf(w);
            if (adj != null && (w.endsWith("ly") || w.equals("well")) && !lex.isAdjective(w)) {
                if (!(w.equals("well") && (i + 1 >= s.n() || !s.isWord(i + 1)) && Lexicon.BE_FORMS.contains(s.lower(i - 1)))) {
                    out.add(replace(Rule.ADVERB_AS_ADJECTIVE, s, i, adj));                          // "drive careful"
                }
            }
            String adv = lex.adverbOf(w);
            boolean beforeNoun = i + 1 < s.n() && s.isWord(i + 1) && lex.isNoun(s.lower(i + 1)) && !lex.isVerb(s.lower(i + 1));
            if (adv != null && !w.equals("good") && (beforeNoun || (Lexicon.BE_FORMS.contains(s.lower(i - 1)) && !lex.isNoun(w)))) {
                out.add(replace(Rule.ADJECTIVE_AS_ADVERB, s, i, adv));                              // "a quickly car"
            }
        }
    }

    private void wordOrder(Sentence s, List<Proposal> out) {
        for (int i = 1; i + 1 < s.n(); i++) {
            if (!s.isWord(i) || !s.isWord(i + 1) || !s.isLower(i) || !s.isLower(i + 1)) continue;
            if (s.lower(i).equals(s.lower(i + 1))) continue;
            out.add(new Proposal(Rule.ADJACENT_SWAP, i, i + 2, List.of(s.text(i + 1), s.text(i))));
        }
    }

    private void wordChoice(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            Lexicon.Confusion c = lex.confusion(s.lower(i).replace('\u2019', '\''));
            if (c == null || !c.injected()) continue;
            for (String alt : c.words()) {
                if (!alt.equals(s.lower(i))) out.add(replace(Rule.CONFUSION, s, i, alt));  // "their" → "there"
            }
        }
    }

    // ---- errors only the learner profile makes ------------------------------------------------------

    private void learnerErrors(ErrorType type, Sentence s, List<Proposal> out) {
        switch (type) {
            case ARTICLE -> articleBeforePlural(s, out);
            case PREPOSITION -> verbPrepositions(s, out);
            case VERB_FORM -> beBeforeVerb(s, out);
            case TENSE -> {
                perfectWithPastTime(s, out);
                sinceWithPresent(s, out);
            }
            case SPELLING -> realMisspellings(s, out);
            case ADJ_ADV -> doubleComparative(s, out);
            default -> {
            }
        }
    }

    /**
     * A misspelling seen in real writing ("recieved", "untill", "beleive"; data/lexicon/misspellings.tsv)
     * rather than a slip of the keyboard; as with {@link #spelling}, each place gets one fixed misspelling
     * per sentence draw.
     */
    private void realMisspellings(Sentence s, List<Proposal> out) {
        for (int i = 0; i < s.n(); i++) {
            if (!s.isWord(i) || !(s.isLower(i) || i == 0)) continue;
            List<String> wrong = lex.misspellingsOf(s.lower(i));
            if (wrong.isEmpty()) continue;
            SplittableRandom local = new SplittableRandom(s.noiseSeed + 0xC2B2AE3D27D4EB4FL * i);
            out.add(replace(Rule.SPELLING_REAL, s, i, wrong.get(local.nextInt(wrong.size()))));
        }
    }

    /** Words that take "a" before a plural noun themselves ("a few friends", "a hundred years"). */
    private static final Set<String> TAKE_A_BEFORE_PLURAL = Set.of("few", "lot", "couple", "dozen", "hundred", "thousand",
            "million", "billion", "number", "great", "good", "little");

    /**
     * "a"/"an" before a plural noun, or before an adjective and a plural noun ("a new shoes"): wrong
     * whatever the context. Only after a preposition or a verb (so the plural is not itself a verb:
     * "she likes"), and not before another noun (so it is not a modifier: "a sports car").
     */
    private void articleBeforePlural(Sentence s, List<Proposal> out) {
        for (int i = 1; i + 1 < s.n(); i++) {
            String prev = s.lower(i - 1), w = s.lower(i);
            if (!s.isWord(i) || !s.isLower(i) || !s.isWord(i - 1)) continue;
            if (!(lex.isPreposition(prev) || Lexicon.isAuxiliary(prev) || readsAsVerb(s, i - 1))) continue;
            int noun = lex.isAdjective(w) && !Lexicon.DETERMINER_LIKE.contains(w) && !Lexicon.PLURAL_DETERMINERS.contains(w)
                    && !TAKE_A_BEFORE_PLURAL.contains(w) ? i + 1 : i;
            if (!s.isLower(noun) || !isPluralNoun(s.lower(noun))) continue;
            if (noun + 1 < s.n() && s.isWord(noun + 1)) {
                String after = s.lower(noun + 1);
                boolean nounAfter = lex.isNoun(after) || !lex.singulars(after).isEmpty();
                if (nounAfter && !lex.isPreposition(after) && !Lexicon.isAuxiliary(after) && !isFunctionWord(after)) continue;
            }
            out.add(new Proposal(Rule.A_BEFORE_PLURAL, i, i, List.of(indefiniteFor(w))));
        }
    }

    /** Nouns in -s that take "a" or are singular ("a means", "a series", "the news is"), and "a people" (a nation). */
    private static final Set<String> SINGULAR_OR_COUNTABLE_IN_S = Set.of("news", "means", "series", "species", "physics",
            "mathematics", "economics", "politics", "athletics", "gymnastics", "headquarters", "crossroads", "whereabouts",
            "measles", "people", "works", "barracks", "lens");

    /** A regular or irregular plural ("shoes", "children") that does not take "a" in its own right. */
    private boolean isPluralNoun(String w) {
        return !lex.singulars(w).isEmpty() && !SINGULAR_OR_COUNTABLE_IN_S.contains(w) && !lex.isUncountable(w) && !isFunctionWord(w);
    }

    /**
     * The word at {@code k} is a verb here: a verb form after a subject, a modal or "to", or one that is
     * no noun, plural ("sports") or adjective ("related", "long") and follows no determiner ("the fringed").
     */
    private boolean readsAsVerb(Sentence s, int k) {
        String w = s.lower(k);
        if (lex.verbReadings(w).isEmpty() || lex.isAdverb(w)) return false;   // "it even affects"
        String before = k > 0 ? s.lower(k - 1) : "";
        if (Lexicon.SUBJECT_PRONOUNS.contains(before) || Lexicon.MODALS.contains(before) || before.equals("to")) return true;
        return !lex.isNoun(w) && lex.singulars(w).isEmpty() && !lex.isAdjective(w) && !Lexicon.DETERMINER_LIKE.contains(before);
    }

    /**
     * The wrong preposition after a word that takes a fixed one ("arrive to", "depend of"), or none at
     * all ("listen music"), from data/lexicon/verb-prepositions.tsv; only where the preposition has a
     * word after it.
     */
    private void verbPrepositions(Sentence s, List<Proposal> out) {
        for (int i = 0; i + 2 < s.n(); i++) {
            if (!s.isWord(i) || !s.isWord(i + 1) || !s.isWord(i + 2)) continue;
            Set<String> heads = new LinkedHashSet<>();
            heads.add(s.lower(i));
            for (VerbReading r : lex.verbReadings(s.lower(i))) heads.add(r.base());
            for (String head : heads) {
                for (Lexicon.PrepositionSlip slip : lex.prepositionSlips(head)) {
                    if (!slip.right().equals(s.lower(i + 1))) continue;
                    out.add(slip.wrong().isEmpty() ? new Proposal(Rule.VERB_PREPOSITION, i + 1, i + 2, List.of())
                            : replace(Rule.VERB_PREPOSITION, s, i + 1, slip.wrong()));
                }
            }
        }
    }

    private static final Map<String, String> BE_FOR_SUBJECT = Map.of("i", "am", "you", "are", "he", "is", "she", "is", "it", "is",
            "we", "are", "they", "are");

    /**
     * A form of "be" before a present-tense verb ("I am agree", "she is works"): never right before a
     * verb that is not also an adjective, a preposition or an -ing form, or a noun with no object after
     * it ("they are fish" is English, "they are fish the lake" is not). Not after "you" and "it", which
     * may be objects, nor in a question ("Should I go?").
     */
    private void beBeforeVerb(Sentence s, List<Proposal> out) {
        for (int i = 1; i + 1 < s.n(); i++) {
            String subject = s.lower(i - 1), w = s.lower(i), next = s.lower(i + 1);
            String be = BE_FOR_SUBJECT.get(subject);
            if (be == null || subject.equals("you") || subject.equals("it") || !s.isLower(i) || i >= 2 && Lexicon.isAuxiliary(s.lower(i - 2))) continue;
            if (Lexicon.isAuxiliary(w) || lex.isPreposition(w) || lex.isAdjective(w) || lex.isAdverb(w) || isPastToo(w)) continue;
            if (reading(w, be.equals("is") ? VerbForm.THIRD_PERSON : VerbForm.BASE) == null) continue;
            boolean objectNext = Lexicon.DETERMINER_LIKE.contains(next) && !next.equals("of") || Lexicon.OBJECT_PRONOUNS.contains(next);
            if (lex.isNoun(w) && !objectNext) continue;
            out.add(new Proposal(Rule.BE_BEFORE_VERB, i, i, List.of(be)));
        }
    }


    /**
     * The present perfect with a finished time in the same clause ("I have visited London last year"):
     * wrong in English whatever the rest of the sentence says. Only after a subject pronoun, so
     * "have"/"has" agrees.
     */
    private void perfectWithPastTime(Sentence s, List<Proposal> out) {
        for (int i = 1; i < s.n(); i++) {
            String subject = s.lower(i - 1), w = s.lower(i);
            if (!BE_FOR_SUBJECT.containsKey(subject) || !s.isLower(i) || Lexicon.isAuxiliary(w) || lex.isAdjective(w)) continue;
            VerbReading past = reading(w, VerbForm.PAST);
            if (past == null || !FinishedTime.inClause(lex, s.tokens, i)) continue;
            String have = Lexicon.THIRD_PERSON_PRONOUNS.contains(subject) ? "has" : "have";
            String participle = lex.verbForms(past.base()).pastParticiple();
            out.add(participle.equals(w) ? new Proposal(Rule.PERFECT_WITH_PAST_TIME, i, i, List.of(have))     // "have visited"
                    : new Proposal(Rule.PERFECT_WITH_PAST_TIME, i, i + 1, List.of(have, participle)));        // "has gone"
        }
    }

    /** Words after "since" that make it a point in time, besides numbers, months and {@link FinishedTime#TIME_UNITS}. */
    private static final Set<String> SINCE_POINTS = Set.of("then", "yesterday", "last", "childhood");

    /** Whether "since" and a point in time ("since 2010", "since Monday", "since then") follow in the clause from {@code k}. */
    private static boolean sinceAPointFrom(Sentence s, int k) {
        for (; k + 1 < s.n() && s.isWord(k); k++) {
            String w = s.lower(k);
            if (w.equals("since")) {
                String next = s.lower(k + 1);
                return Character.isDigit(next.charAt(0)) || FinishedTime.TIME_UNITS.contains(next) || FinishedTime.MONTHS.contains(next)
                        || SINCE_POINTS.contains(next);
            }
            if (FinishedTime.CLAUSE_WORDS.contains(w) || Lexicon.SUBJECT_PRONOUNS.contains(w)) return false;
        }
        return false;
    }

    /**
     * The present where English needs the present perfect: "I live here since 2010" for "I have lived
     * here since 2010". Only with "since" and a point in time in the same clause (a bare "since" may
     * mean "because").
     */
    private void sinceWithPresent(Sentence s, List<Proposal> out) {
        for (int h = 1; h + 1 < s.n(); h++) {
            String subject = s.lower(h - 1), have = s.lower(h), w = s.lower(h + 1);
            if (!BE_FOR_SUBJECT.containsKey(subject) || !(have.equals("have") || have.equals("has")) || !s.isLower(h + 1)) continue;
            VerbReading participle = reading(w, VerbForm.PAST_PARTICIPLE);
            if (participle == null || w.equals("got") || w.equals("gotten") || !sinceAPointFrom(s, h + 2)) continue;
            VerbForms f = lex.verbForms(participle.base());
            String present = f.base().equals("be") ? BE_FOR_SUBJECT.get(subject) : have.equals("has") ? f.thirdPerson() : f.base();
            out.add(present.equals(w) ? new Proposal(Rule.SINCE_WITH_PRESENT, h, h + 1, List.of())             // "I come here since"
                    : new Proposal(Rule.SINCE_WITH_PRESENT, h, h + 2, List.of(present)));                     // "I live here since"
        }
    }

    /** A comparative after one of these gets no "more" ("less more taller" would be two errors in one). */
    private static final Set<String> DEGREE_WORDS = Set.of("more", "less", "most");

    /**
     * "more" before a comparative that "than" follows ("more taller than", "more better than"): the
     * comparative is an adjective's -er form, so the sentence shows that "more" is one too many.
     */
    private void doubleComparative(Sentence s, List<Proposal> out) {
        for (int i = 1; i + 1 < s.n(); i++) {
            String w = s.lower(i);
            if (!s.lower(i + 1).equals("than") || !s.isLower(i) || !lex.isComparative(w)) continue;
            if (DEGREE_WORDS.contains(s.lower(i - 1))) continue;
            out.add(new Proposal(Rule.DOUBLE_COMPARATIVE, i, i, List.of("more")));
        }
    }

    /** A tokenized clean sentence with the views the rules need. */
    static final class Sentence {
        final List<Token> tokens;
        /** Seeds the spelling noise, so each place gets one fixed misspelling per sentence draw. */
        final long noiseSeed;
        private final String[] lower;

        Sentence(List<Token> tokens, long noiseSeed) {
            this.tokens = tokens;
            this.noiseSeed = noiseSeed;
            this.lower = new String[tokens.size()];
            for (int i = 0; i < lower.length; i++) lower[i] = tokens.get(i).text().toLowerCase(Locale.ROOT);
        }

        int n() {
            return tokens.size();
        }

        String text(int i) {
            return tokens.get(i).text();
        }

        String lower(int i) {
            return lower[i];
        }

        boolean isWord(int i) {
            return tokens.get(i).isWord();
        }

        /** The token is written in lower case (so not a name, an acronym or a sentence start). */
        boolean isLower(int i) {
            return text(i).equals(lower[i]);
        }
    }

    /**
     * The synthetic held-out set: the first {@code count} usable sentences of {@code devFile},
     * noised with {@code seed}. The evaluation scores on it and training measures its held-out
     * loss on it.
     */
    public static List<TrainingPair> heldOutPairs(Path devFile, int count, long seed) {
        SyntheticErrors gen = new SyntheticErrors();
        List<String> clean = gen.readClean(devFile);
        return gen.pairs(clean.subList(0, Math.min(count, clean.size())), seed);
    }
}
