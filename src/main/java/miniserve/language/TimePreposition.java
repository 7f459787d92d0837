package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * The tutor's stage for the prepositions of time, after the model: "on" a day, "in" a month or a year, "at" a
 * clock time, "for" a length of time. "in Monday" → "on Monday", "on July" → "in July", "at 2010" → "in 2010",
 * "in 5 o'clock" → "at 5 o'clock", "since two years" → "for two years", "during three weeks" → "for three weeks",
 * "at the morning" → "in the morning".
 *
 * <p>Only a preposition that is always wrong there: "by Monday", "until July", "from 2010" and "since Monday"
 * are right, and left as they are; so is "on July 4" (a date takes "on"). Why a stage: learners' time
 * prepositions are a closed set the model, which sees few of them, leaves (its preposition recall is a few per
 * cent), while the rule for each is certain.
 */
public final class TimePreposition {

    private static final Set<String> DAYS = Set.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays");
    private static final Set<String> PARTS_OF_DAY = Set.of("morning", "afternoon", "evening");
    private static final Set<String> CLOCK = Set.of("o'clock", "am", "pm", "a.m.", "p.m.");
    /** Units a length of time is counted in: "two years", "a week". */
    private static final Set<String> UNITS = Set.of("second", "seconds", "minute", "minutes", "hour", "hours", "day",
            "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades");
    private static final Set<String> COUNTS = Set.of("a", "an", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "several", "many", "few");

    private static final Set<String> ONE = Set.of("a", "an", "one");

    private TimePreposition() {
    }

    /** {@code text} with its prepositions of time made right (see the class comment). */
    public static String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String p = WordDiff.lower(tokens, k);
            String right = right(p, WordDiff.lower(tokens, k + 1), WordDiff.lower(tokens, k + 2), WordDiff.lower(tokens, k + 3));
            if (right == null || right.equals(p)) continue;
            Token t = tokens.get(k);
            boolean capital = Character.isUpperCase(t.text().charAt(0));
            out.replace(t.start(), t.end(), capital ? Character.toUpperCase(right.charAt(0)) + right.substring(1) : right);
        }
        return out.result();
    }

    /** The preposition {@code p} should be before {@code next} (then {@code after}, {@code third}); null to leave it. */
    private static String right(String p, String next, String after, String third) {
        switch (p) {
            case "in", "at", "on" -> {
                if (DAYS.contains(next)) return "on";
                // a month or a year alone ("on July", "at 2010"), not a date ("on July 4") nor a count ("on 2000 computers")
                if (FinishedTime.MONTHS.contains(next) && !next.equals("may") && !isDayOfMonth(after) || isYear(next) && endsPhrase(after)) return "in";
                if (isNumber(next) && CLOCK.contains(after)) return "at";
                if (p.equals("at") && next.equals("the") && PARTS_OF_DAY.contains(after)) return "in";
                return null;
            }
            case "since", "during" -> {
                // "since two years", "during three weeks": a length of time, not a point ("since 2010") or a period
                // named ("during the two years"); "during a week" may be one week of several, and is left
                boolean count = isNumber(next) || COUNTS.contains(next) && (p.equals("since") || !ONE.contains(next));
                return count && UNITS.contains(after) && !third.equals("ago") ? "for" : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Whether the phrase ends after a word: nothing or a mark follows ("in 2010, we"; not "at 2010 prices"). */
    private static boolean endsPhrase(String following) {
        return following.isEmpty() || !Character.isLetterOrDigit(following.charAt(0));
    }

    private static boolean isNumber(String w) {
        return !w.isEmpty() && w.chars().allMatch(Character::isDigit);
    }

    /** "4", "17th", "1st": the day of a date. */
    private static boolean isDayOfMonth(String w) {
        return w.matches("[0-9]{1,2}(st|nd|rd|th)?");
    }

    private static boolean isYear(String w) {
        return w.matches("1[0-9]{3}|20[0-9]{2}");
    }
}
