package miniserve.cli;

import miniserve.tokenizer.BpeTokenizer;
import miniserve.tokenizer.BpeTrainer;
import miniserve.tokenizer.VocabSizeStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code ./miniserve tokenizer train|encode|decode|sizes}: the tutor's byte-level BPE vocabulary. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train, inspect and use the byte-level BPE vocabulary (GPT-2 format: vocab.json + merges.txt).",
        subcommands = {TokenizerCommand.Train.class, TokenizerCommand.Encode.class, TokenizerCommand.Decode.class,
                TokenizerCommand.Sizes.class})
public final class TokenizerCommand implements Runnable {

    static final String TRAIN_TEXT = BpeTrainer.SHIPPED_TRAINING_TEXT;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train a byte-level BPE vocabulary and write vocab.json and merges.txt.",
                    "With no options it reproduces the shipped vocabulary in weights/."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--input", defaultValue = TRAIN_TEXT, description = "Training text, one sentence per line (default: ${DEFAULT-VALUE}).")
        Path input;

        @Option(names = "--vocab-size", description = "Tokens in the vocabulary, special tokens included (default: ${DEFAULT-VALUE}).")
        int vocabSize = BpeTrainer.SHIPPED_VOCAB_SIZE;

        @Option(names = "--special", split = ",", description = "Special tokens appended after the merges (default: ${DEFAULT-VALUE}).")
        List<String> specials = new ArrayList<>(BpeTrainer.DEFAULT_SPECIAL_TOKENS);

        @Option(names = "--out", defaultValue = "weights", description = "Directory to write vocab.json and merges.txt into (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<String> lines = BpeTrainer.readLines(input);
            long t0 = System.nanoTime();
            BpeTrainer.Vocabulary v = BpeTrainer.train(lines, vocabSize, specials);
            double seconds = (System.nanoTime() - t0) / 1e9;
            v.write(out);
            System.out.printf(Locale.ROOT, "trained %d tokens (%d merges, %d special) on %d lines of %s in %.1f s%n",
                    v.tokens().size(), v.merges().size(), specials.size(), lines.size(), input, seconds);
            if (v.tokens().size() < vocabSize)
                System.out.printf(Locale.ROOT, "note: stopped below %d tokens: no pair occurs twice any more%n", vocabSize);
            System.out.println("wrote " + out.resolve("vocab.json") + " and " + out.resolve("merges.txt"));
            return 0;
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Print the token ids of each text (the arguments, or each line of standard input).")
    static final class Encode implements Callable<Integer> {
        @Option(names = "--weights", defaultValue = "weights", description = "Directory holding vocab.json and merges.txt (default: ${DEFAULT-VALUE}).")
        Path weights;

        @Option(names = "--tokens", description = "Print the tokens (vocabulary strings) beside the ids.")
        boolean tokens;

        @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to encode; none reads standard input.")
        List<String> texts = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            BpeTokenizer tok = load(weights);
            for (String text : texts.isEmpty() ? stdinLines() : texts) {
                int[] ids = tok.encode(text);
                System.out.println(Arrays.stream(ids).mapToObj(String::valueOf).collect(Collectors.joining(" ")));
                if (tokens)
                    System.out.println(Arrays.stream(ids).mapToObj(tok::token).collect(Collectors.joining(" | ", "  [", "]")));
            }
            return 0;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Print the text of token ids (the arguments, or each line of standard input as space-separated ids).")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--weights", defaultValue = "weights", description = "Directory holding vocab.json and merges.txt (default: ${DEFAULT-VALUE}).")
        Path weights;

        @Parameters(arity = "0..*", paramLabel = "ID", description = "Token ids; none reads lines of ids from standard input.")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            BpeTokenizer tok = load(weights);
            List<String> lines = ids.isEmpty() ? stdinLines() : List.of(String.join(" ", ids));
            for (String line : lines) System.out.println(tok.decode(parseIds(line)));
            return 0;
        }
    }

    @Command(name = "sizes", mixinStandardHelpOptions = true,
            description = {"Compare vocabulary sizes: train one of each size and measure held-out sentences.",
                    "Prints a markdown table: sequence lengths, rare tokens, embedding size and decode work per sentence."})
    static final class Sizes implements Callable<Integer> {
        @Option(names = "--input", defaultValue = TRAIN_TEXT, description = "Training text (default: ${DEFAULT-VALUE}).")
        Path input;

        @Option(names = "--held-out", defaultValue = "data/ud-ewt/dev.txt", description = "Held-out sentences to encode (default: ${DEFAULT-VALUE}).")
        Path heldOut;

        @Option(names = "--sizes", split = ",", description = "Vocabulary sizes (default: ${DEFAULT-VALUE}).")
        int[] sizes = {1024, 2048, 4096, 8192};

        @Option(names = "--embd", split = ",", description = "Model widths for the embedding and work columns (default: ${DEFAULT-VALUE}).")
        int[] widths = {256, 384};

        @Option(names = "--layers", description = "Blocks of the reference model for the work column (default: ${DEFAULT-VALUE}).")
        int layers = 6;

        @Override
        public Integer call() {
            List<VocabSizeStudy.Row> rows = VocabSizeStudy.measure(BpeTrainer.readLines(input), BpeTrainer.readLines(heldOut),
                    sizes, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
            StringBuilder head = new StringBuilder("| vocab | train s | tokens/sentence | p95 | tokens/word | bytes/token | rare merges |");
            StringBuilder rule = new StringBuilder("|---:|---:|---:|---:|---:|---:|---:|");
            for (int c : widths) {
                head.append(" embedding C=").append(c).append(" | share of params C=").append(c)
                        .append(" | decode MMACs/sentence C=").append(c).append(" |");
                rule.append("---:|---:|---:|");
            }
            System.out.println(head);
            System.out.println(rule);
            for (VocabSizeStudy.Row r : rows) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %d | %.2f | %.2f | %.0f%% |",
                        r.vocabSize(), r.trainSeconds(), r.tokensPerSentence(), r.p95TokensPerSentence(), r.tokensPerWord(),
                        r.bytesPerToken(), 100 * r.rareShare()));
                for (int c : widths) {
                    long blocks = 12L * layers * c * c;
                    long emb = r.embeddingParams(c);
                    line.append(String.format(Locale.ROOT, " %.2fM | %.0f%% | %.0f |", emb / 1e6,
                            100.0 * emb / (emb + blocks), r.decodeMacsPerSentence(c, layers) / 1e6));
                }
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "rare merges: learned tokens seen fewer than %d times in the tokenized training text; "
                    + "share of params: embedding / (embedding + %d blocks of 12*C^2); decode work: weight-matrix multiply-adds "
                    + "for the mean held-out sentence (12*L*C^2 + V*C per token).%n", VocabSizeStudy.RARE_BELOW, layers);
            return 0;
        }
    }

    static BpeTokenizer load(Path weights) {
        return BpeTokenizer.load(weights.resolve("vocab.json"), weights.resolve("merges.txt"));
    }

    static List<String> stdinLines() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.lines().toList();
    }

    static int[] parseIds(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) return new int[0];
        String[] parts = trimmed.split("[\\s,]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a token id: '" + parts[i] + "'");
            }
        }
        return ids;
    }
}
