package miniserve.language;

/**
 * The QWERTY letter rows, for slips of the keyboard: the error generator types a neighbouring key,
 * the spelling stage counts a neighbouring key as a likely slip.
 */
public final class Keyboard {

    /** The three letter rows, top to bottom. */
    public static final String[] ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

    private Keyboard() {
    }

    /**
     * Whether two lower-case letters' keys touch: beside each other on a row, or on the row above or below.
     * Each row sits about half a key to the right of the one above, so a key touches the key below it
     * and the one below and to its left ("e" touches "s" and "d").
     */
    public static boolean adjacent(char a, char b) {
        int ra = row(a), rb = row(b);
        if (ra < 0 || rb < 0 || a == b) return false;
        int ca = ROWS[ra].indexOf(a), cb = ROWS[rb].indexOf(b);
        if (ra == rb) return Math.abs(ca - cb) == 1;
        if (Math.abs(ra - rb) != 1) return false;
        int upper = ra < rb ? ca : cb, lower = ra < rb ? cb : ca;
        return upper - lower == 0 || upper - lower == 1;
    }

    private static int row(char c) {
        for (int r = 0; r < ROWS.length; r++) if (ROWS[r].indexOf(c) >= 0) return r;
        return -1;
    }
}
