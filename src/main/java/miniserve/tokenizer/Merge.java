package miniserve.tokenizer;

/** One BPE merge rule: the adjacent tokens {@code left} and {@code right} become {@code left + right}. */
public record Merge(String left, String right) {

    public Merge {
        if (left.isEmpty() || right.isEmpty()) throw new IllegalArgumentException("a merge needs two non-empty tokens");
    }

    public String merged() {
        return left + right;
    }
}
