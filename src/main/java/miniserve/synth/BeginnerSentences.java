package miniserve.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import miniserve.language.Lexicon;
import miniserve.language.Lexicon.VerbForms;

/**
 * Clean sentences of the kinds a beginner writes, made by a small grammar: a subject, an everyday
 * activity and a time cue that fits the tense ("She goes to the gym on Mondays.", "Yesterday I
 * ate an orange.", "There are three eggs in the box.", "He has lived here since 2015.").
 *
 * <p>Why: the corpora the tutor learns from are edited prose, mostly long sentences in the past tense
 * or about institutions; a learner's sentence is short, about daily life, in the present or with a
 * time word, and a subject such as "she" or "my friend" before a plain verb. The synthetic errors are
 * injected into these sentences exactly as into the others ({@link SyntheticErrors}); the grammar
 * only supplies clean English of that kind. Every sentence is grammatical by construction: verb forms
 * and plurals come from the {@link Lexicon}, "a"/"an" from the next word, stative verbs never take
 * the progressive, and "since"/"for" only go with verbs of lasting states. Its words are not those of
 * the README's beginner sentences, which test the tutor (BeginnerSentencesTest checks that, and names
 * the one sentence of data/beginner/ that shares five words with one of their corrections).
 */
public final class BeginnerSentences {

    /** Who does it: the words, and which present forms of "be" and of the verb go with them. */
    record Subject(String words, Person person) {}

    enum Person { I, THIRD_SINGULAR, OTHER }

    /**
     * What they do: a verb (base form) and the words after it. Stative verbs ("like", "know") take no
     * progressive; lasting ones ("live", "work") take "since" and "for" in the perfect.
     */
    record Activity(String verb, String rest, boolean stative, boolean lasting) {}

    private static final List<Subject> SUBJECTS = List.of(
            new Subject("I", Person.I), new Subject("you", Person.OTHER), new Subject("he", Person.THIRD_SINGULAR),
            new Subject("she", Person.THIRD_SINGULAR), new Subject("we", Person.OTHER), new Subject("they", Person.OTHER),
            new Subject("my brother", Person.THIRD_SINGULAR), new Subject("my sister", Person.THIRD_SINGULAR),
            new Subject("my friend", Person.THIRD_SINGULAR), new Subject("my mother", Person.THIRD_SINGULAR),
            new Subject("my father", Person.THIRD_SINGULAR), new Subject("our teacher", Person.THIRD_SINGULAR),
            new Subject("my neighbour", Person.THIRD_SINGULAR), new Subject("the new student", Person.THIRD_SINGULAR),
            new Subject("Anna", Person.THIRD_SINGULAR), new Subject("Tom", Person.THIRD_SINGULAR),
            new Subject("Maria", Person.THIRD_SINGULAR), new Subject("Mr Brown", Person.THIRD_SINGULAR),
            new Subject("my parents", Person.OTHER), new Subject("my friends", Person.OTHER),
            new Subject("the children", Person.OTHER), new Subject("the students", Person.OTHER),
            new Subject("my cousins", Person.OTHER), new Subject("our neighbours", Person.OTHER),
            new Subject("Tom and Anna", Person.OTHER), new Subject("my sister and I", Person.OTHER));

    private static Activity act(String verb, String rest) {
        return new Activity(verb, rest, false, false);
    }

    private static Activity state(String verb, String rest) {
        return new Activity(verb, rest, true, false);
    }

    private static Activity lasting(String verb, String rest) {
        return new Activity(verb, rest, false, true);
    }

    private static final List<Activity> ACTIVITIES = List.of(
            act("go", "to the post office"), act("go", "to school"), act("go", "to work by bus"), act("go", "to the gym"),
            act("go", "to bed early"), act("go", "shopping with friends"), act("go", "to the cinema"),
            act("play", "football"), act("play", "the piano"), act("play", "tennis after school"), act("play", "video games"),
            act("eat", "breakfast at home"), act("eat", "an orange"), act("eat", "rice and fish"), act("eat", "soup"),
            act("eat", "two sandwiches"), act("drink", "coffee"), act("drink", "a glass of milk"), act("drink", "green tea"),
            act("read", "a book"), act("read", "the newspaper"), act("read", "comics"),
            act("watch", "TV"), act("watch", "a film"), act("watch", "the news"), act("write", "a letter"),
            act("write", "an email to her friend"), act("write", "in a diary"), act("visit", "my grandparents"),
            act("visit", "the museum"), act("visit", "an old friend"), act("study", "English"), act("study", "for the exam"),
            act("speak", "French"), act("speak", "English at work"), act("take", "the bus"), act("take", "a taxi"),
            act("take", "a lot of photos"), act("buy", "bread"), act("buy", "a new phone"), act("buy", "pears and grapes"),
            act("buy", "vegetables at the market"), act("cook", "dinner"), act("cook", "pasta"), act("make", "a cake"),
            act("make", "tea for everyone"), act("clean", "the kitchen"), act("clean", "the house"), act("wash", "the dishes"),
            act("walk", "the dog"), act("walk", "to the station"), act("ride", "a bike"), act("listen", "to music"),
            act("listen", "to the radio"), act("wait", "for the bus"), act("look", "at the pictures"),
            act("talk", "to the teacher"), act("meet", "friends by the river"), act("call", "my mother"),
            act("help", "my mother in the kitchen"), act("open", "the window"), act("close", "the door"),
            act("sing", "a song"), act("swim", "in the lake"), act("run", "along the river"), act("get", "up at seven"),
            act("come", "home late"), act("leave", "the house at eight"), act("arrive", "at school on time"),
            act("teach", "English"), act("learn", "Spanish"), act("fly", "to Paris"), act("find", "a good job"),
            act("lose", "the keys"), act("send", "a message"), act("bring", "a cake to the party"),
            act("do", "the homework"), act("do", "the shopping"), act("tell", "a funny story"), act("draw", "a picture"),
            act("catch", "the early train"), act("break", "a glass"), act("forget", "the name of the street"),
            act("carry", "a heavy bag"), act("try", "a new recipe"), act("finish", "work at five"),
            act("play", "chess with my grandfather"), act("fix", "the old car"), act("plant", "a tree in the garden"),
            state("like", "bananas"), state("like", "music"), state("love", "animals"), state("hate", "cold weather"),
            state("want", "a new bike"), state("want", "to stay at home"), state("need", "a new coat"),
            state("know", "the answer"), state("have", "a car"), state("have", "a garden"), state("have", "a brother"),
            state("understand", "the question"), state("believe", "the story"), state("prefer", "tea to coffee"),
            state("remember", "the teacher's name"), state("own", "a small shop"),
            lasting("live", "in a small house"), lasting("live", "in London"), lasting("live", "near the station"),
            lasting("work", "in a hospital"), lasting("work", "in an office"), lasting("work", "at a bank"),
            lasting("study", "music"), lasting("teach", "at this school"), lasting("play", "the guitar"),
            lasting("live", "here"), lasting("work", "from home"));

    private static final List<String> HABIT_CUES = List.of("every day", "every Sunday", "on Mondays", "on Saturdays",
            "in the morning", "in the evening", "at the weekend", "twice a week", "every summer", "after dinner");
    private static final List<String> FREQUENCY_ADVERBS = List.of("usually", "always", "often", "sometimes", "never");
    private static final List<String> PAST_CUES = List.of("yesterday", "last night", "last week", "two days ago",
            "last summer", "in 2019", "last Monday", "a month ago", "this morning", "after school yesterday");
    private static final List<String> FUTURE_CUES = List.of("tomorrow", "next week", "next year", "on Friday",
            "tomorrow morning", "after the holidays");
    private static final List<String> NOW_CUES = List.of("now", "at the moment", "right now", "today");
    private static final List<String> SINCE_CUES = List.of("since 2015", "since last year", "for three years",
            "for a long time", "since January", "for two months");
    private static final List<String> MODALS = List.of("can", "must", "should", "could", "will");

    /**
     * Countable things and where they are, for "There is/are ..." and counted nouns. Left out: nouns whose
     * plural the lexicon gets wrong ("womans", "persons", "sheeps", "busses").
     */
    private static final List<String> THINGS = List.of("book", "egg", "orange", "cat", "dog", "chair", "pen",
            "umbrella", "child", "man", "box", "glass", "knife", "mouse", "tomato", "potato", "sandwich", "bottle", "cup",
            "picture", "letter", "key", "shoe", "bag", "flower", "tree", "car", "window", "student", "elephant", "onion",
            "baby", "bird", "toy", "tooth", "foot", "leaf", "dress");
    private static final List<String> PLACES = List.of("on the desk", "in the kitchen", "in the garden", "in the box",
            "in my bag", "on the shelf", "near the door", "in the street", "in the classroom", "by the river");
    private static final List<String> NUMBERS = List.of("two", "three", "four", "five", "six", "ten", "many", "some",
            "a few", "no");
    private static final List<String> ADJECTIVES = List.of("happy", "tired", "hungry", "very busy", "late for school",
            "at home", "in the garden", "very kind", "afraid of dogs", "good at maths", "interested in history",
            "sick", "ready for the trip", "angry with us", "excited about the holiday");
    private static final List<String> JOINERS = List.of(" and ", ", but ", " because ", " so ");

    private final Lexicon lex;

    public BeginnerSentences(Lexicon lexicon) {
        this.lex = lexicon;
    }

    /**
     * {@code count} different sentences from {@code seed}, none of which {@code excluded} accepts
     * (the held-out sentences are kept out this way); fewer only if the grammar runs dry.
     */
    public List<String> generate(int count, long seed, Predicate<String> excluded) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<String> out = new LinkedHashSet<>();
        for (int tries = 0; out.size() < count && tries < 50 * count; tries++) {
            String s = sentence(rnd);
            if (!excluded.test(s)) out.add(s);
        }
        return new ArrayList<>(out);
    }

    /** One sentence: mostly a single clause, sometimes two joined. */
    String sentence(SplittableRandom rnd) {
        int kind = rnd.nextInt(20);
        String s;
        if (kind < 2) s = thereIs(rnd) + ".";
        else if (kind < 4) s = question(rnd);
        else if (kind < 6) s = clause(rnd) + pick(rnd, JOINERS) + clause(rnd) + ".";
        else s = clause(rnd) + ".";
        return capitalFirst(s);
    }

    enum Tense { PRESENT, PRESENT_NEGATIVE, PAST, PAST_NEGATIVE, FUTURE, GOING_TO, PROGRESSIVE, PERFECT, MODAL, BE }

    /** A clause in a random tense, with a time word that fits it. */
    String clause(SplittableRandom rnd) {
        Subject who = pick(rnd, SUBJECTS);
        Activity what = pick(rnd, ACTIVITIES);
        Tense t = pick(rnd, Tense.values());
        // A state is not done now, often or tomorrow: "I like bananas", not "I am liking bananas every day".
        if (what.stative() && (t == Tense.PROGRESSIVE || t == Tense.FUTURE || t == Tense.GOING_TO)) t = Tense.PRESENT;
        // Nor does a state or a lasting situation happen "every day": "He lives near the station".
        boolean state = what.stative() || what.lasting();
        VerbForms v = lex.verbForms(what.verb());
        String s = who.words();
        String be = be(who.person());
        boolean third = who.person() == Person.THIRD_SINGULAR;
        return switch (t) {
            case PRESENT -> state
                    ? s + " " + pick(rnd, List.of("", "really ", "still ")) + (third ? v.thirdPerson() : v.base()) + " " + what.rest()
                    : rnd.nextBoolean()
                    ? s + " " + (third ? v.thirdPerson() : v.base()) + " " + what.rest() + " " + pick(rnd, HABIT_CUES)
                    : s + " " + pick(rnd, FREQUENCY_ADVERBS) + " " + (third ? v.thirdPerson() : v.base()) + " " + what.rest();
            case PRESENT_NEGATIVE -> s + " " + (third ? "doesn't " : "don't ") + v.base() + " " + what.rest()
                    + (state ? "" : " " + pick(rnd, HABIT_CUES));
            case PAST -> rnd.nextBoolean()
                    ? s + " " + v.past() + " " + what.rest() + " " + pick(rnd, PAST_CUES)
                    : pick(rnd, PAST_CUES) + " " + s + " " + v.past() + " " + what.rest();
            case PAST_NEGATIVE -> s + " didn't " + v.base() + " " + what.rest() + " " + pick(rnd, PAST_CUES);
            case FUTURE -> s + " will " + v.base() + " " + what.rest() + " " + pick(rnd, FUTURE_CUES);
            case GOING_TO -> s + " " + be + " going to " + v.base() + " " + what.rest() + " " + pick(rnd, FUTURE_CUES);
            case PROGRESSIVE -> s + " " + be + " " + v.ing() + " " + what.rest() + " " + pick(rnd, NOW_CUES);
            case PERFECT -> what.lasting()
                    ? s + " " + (third ? "has " : "have ") + v.pastParticiple() + " " + what.rest() + " " + pick(rnd, SINCE_CUES)
                    : s + " " + (third ? "has " : "have ") + pick(rnd, List.of("already ", "never ", "just ", ""))
                      + v.pastParticiple() + " " + what.rest();
            case MODAL -> s + " " + pick(rnd, MODALS) + " " + v.base() + " " + what.rest();
            case BE -> rnd.nextBoolean()
                    ? s + " " + be + " " + pick(rnd, ADJECTIVES) + " " + pick(rnd, NOW_CUES)
                    : s + " " + pastBe(who.person()) + " " + pick(rnd, ADJECTIVES) + " " + pick(rnd, PAST_CUES);
        };
    }

    /** "Do you like bananas?", "Does she play tennis on Mondays?", "Did they visit the museum last week?" */
    String question(SplittableRandom rnd) {
        Subject who = pick(rnd, SUBJECTS);
        Activity what = pick(rnd, ACTIVITIES);
        String subject = who.words();
        String base = lex.verbForms(what.verb()).base();
        return switch (rnd.nextInt(3)) {
            case 0 -> (who.person() == Person.THIRD_SINGULAR ? "does " : "do ") + subject + " " + base + " " + what.rest() + "?";
            case 1 -> "did " + subject + " " + base + " " + what.rest() + " " + pick(rnd, PAST_CUES) + "?";
            default -> "can " + subject + " " + base + " " + what.rest() + "?";
        };
    }

    /** "There is an umbrella near the door", "There are three books on the shelf", "There were two dogs in the street". */
    String thereIs(SplittableRandom rnd) {
        String thing = pick(rnd, THINGS);
        String place = pick(rnd, PLACES);
        boolean past = rnd.nextInt(4) == 0;
        if (rnd.nextInt(3) == 0) {
            return "there " + (past ? "was " : "is ") + SyntheticErrors.indefiniteFor(thing) + " " + thing + " " + place;
        }
        return "there " + (past ? "were " : "are ") + pick(rnd, NUMBERS) + " " + lex.plural(thing) + " " + place;
    }

    private static String be(Person p) {
        return switch (p) {
            case I -> "am";
            case THIRD_SINGULAR -> "is";
            case OTHER -> "are";
        };
    }

    private static String pastBe(Person p) {
        return p == Person.OTHER ? "were" : "was";
    }

    private static String capitalFirst(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> T pick(SplittableRandom rnd, List<T> xs) {
        return xs.get(rnd.nextInt(xs.size()));
    }

    private static <T> T pick(SplittableRandom rnd, T[] xs) {
        return xs[rnd.nextInt(xs.length)];
    }
}
