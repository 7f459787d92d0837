package miniserve.language;

/**
 * The kinds of grammar error the tutor names when it explains a correction, and the kinds the
 * synthetic error generator injects. A label is meant for a learner, so each has a short name.
 */
public enum ErrorType {
    ARTICLE("article or determiner"),
    PREPOSITION("preposition"),
    AGREEMENT("subject-verb agreement"),
    TENSE("verb tense"),
    VERB_FORM("verb form"),
    NOUN_NUMBER("noun number"),
    SPELLING("spelling"),
    PUNCTUATION("punctuation"),
    CAPITALIZATION("capitalization"),
    PRONOUN("pronoun"),
    ADJ_ADV("adjective or adverb"),
    WORD_ORDER("word order"),
    WORD_CHOICE("word choice"),
    OTHER("other");

    private final String label;

    ErrorType(String label) {
        this.label = label;
    }

    /** A few words naming the kind of error, for a learner ("subject-verb agreement"). */
    public String label() {
        return label;
    }
}
