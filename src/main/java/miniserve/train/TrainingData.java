package miniserve.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import miniserve.language.Lexicon;
import miniserve.model.TrainingSequence;
import miniserve.synth.SyntheticErrors;
import miniserve.synth.TrainingPair;
import miniserve.tokenizer.BpeTokenizer;
import miniserve.tokenizer.PromptFormat;

/**
 * The tutor's training examples: clean UD training sentences, noised by {@link SyntheticErrors}
 * with a new seed every epoch, laid out by the {@link PromptFormat} as
 * {@code source <|sep|> target <|endoftext|>} and tokenized with the tutor's BPE vocabulary.
 * The held-out set is the evaluation's synthetic set (UD dev sentences, a fixed noise seed).
 */
public final class TrainingData {

    public static final String TRAIN_FILE = "train.txt";
    public static final String DEV_FILE = "dev.txt";

    private final Path dataDir;
    private final BpeTokenizer tokenizer;
    private final PromptFormat format;
    private final SyntheticErrors synth;
    private final List<String> clean;
    private final int udSentences;

    private TrainingData(Path dataDir, List<Path> extraText, BpeTokenizer tokenizer, PromptFormat format,
                         SyntheticErrors.Profile profile, int maxWords) {
        this.dataDir = dataDir;
        this.tokenizer = tokenizer;
        this.format = format;
        this.synth = new SyntheticErrors(Lexicon.standard(), profile);
        this.clean = new ArrayList<>(synth.readClean(dataDir.resolve(TRAIN_FILE), maxWords));
        this.udSentences = clean.size();
        for (Path extra : extraText) clean.addAll(synth.readClean(extra, maxWords));
        if (clean.isEmpty()) throw new IllegalArgumentException("no usable training sentence in " + dataDir.resolve(TRAIN_FILE));
    }

    /**
     * Reads {@code train.txt} from dataDir, then every extra text file (more clean sentences, one
     * per line, filtered like the UD ones), and {@code vocab.json}, {@code merges.txt} and
     * {@code prompt_format.json} from vocabDir.
     */
    public static TrainingData load(Path dataDir, List<Path> extraText, Path vocabDir) {
        return load(dataDir, extraText, vocabDir, SyntheticErrors.Profile.ORIGINAL, SyntheticErrors.MAX_WORDS);
    }

    /** As {@link #load(Path, List, Path)}, with the errors of {@code profile} and training sentences of up to {@code maxWords} words. */
    public static TrainingData load(Path dataDir, List<Path> extraText, Path vocabDir, SyntheticErrors.Profile profile, int maxWords) {
        if (maxWords < SyntheticErrors.MIN_WORDS)
            throw new IllegalArgumentException("the longest training sentence must have at least " + SyntheticErrors.MIN_WORDS + " words, got " + maxWords);
        List<Path> needed = new ArrayList<>(List.of(dataDir.resolve(TRAIN_FILE), dataDir.resolve(DEV_FILE),
                vocabDir.resolve("vocab.json"), vocabDir.resolve("merges.txt"), vocabDir.resolve(PromptFormat.FILE_NAME)));
        needed.addAll(extraText);
        for (Path p : needed)
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("missing file " + p);
        BpeTokenizer tok = BpeTokenizer.load(vocabDir.resolve("vocab.json"), vocabDir.resolve("merges.txt"));
        PromptFormat format = PromptFormat.load(vocabDir.resolve(PromptFormat.FILE_NAME));
        for (String special : List.of(format.separator(), format.end())) {
            try {
                tok.tokenId(special);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the vocabulary in " + vocabDir + " has no token " + special
                        + " (named in " + PromptFormat.FILE_NAME + ")");
            }
        }
        return new TrainingData(dataDir, extraText, tok, format, profile, maxWords);
    }

    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** Clean training sentences from UD's train.txt alone. */
    public int udSentences() {
        return udSentences;
    }

    /** Clean training sentences (those {@link SyntheticErrors#usable} accepts), UD and extra text together. */
    public int cleanSentences() {
        return clean.size();
    }

    /** A fresh noising of every clean sentence for each seed. */
    public SequenceSource source() {
        return source(0);
    }

    /**
     * As {@link #source()}, plus {@code drillShare × sentences} copy drills per epoch: the words
     * of a random training sentence in random order, noised like any sentence. A drill's target
     * cannot be remembered from earlier epochs, only copied (with the edits) from its source, so
     * drills push the model to copy rather than to memorise the few thousand clean targets.
     */
    public SequenceSource source(double drillShare) {
        if (drillShare < 0) throw new IllegalArgumentException("copy drill share must be >= 0, got " + drillShare);
        return seed -> {
            List<TrainingPair> pairs = new ArrayList<>(synth.pairs(clean, seed));
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
            long drills = Math.round(drillShare * clean.size());
            for (long i = 0; i < drills; i++) {
                String words = shuffledWords(clean.get(rnd.nextInt(clean.size())), rnd);
                pairs.add(synth.corrupt(words, rnd.split()));
            }
            return encode(pairs);
        };
    }

    static String shuffledWords(String sentence, SplittableRandom rnd) {
        String[] w = sentence.split(" ");
        for (int i = w.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            String t = w[i];
            w[i] = w[j];
            w[j] = t;
        }
        return String.join(" ", w);
    }

    /** The first {@code count} usable dev sentences noised with {@code seed}, the evaluation's synthetic set. */
    public List<TrainingSequence> heldOut(int count, long seed) {
        if (count <= 0) return List.of();
        return encode(SyntheticErrors.heldOutPairs(dataDir.resolve(DEV_FILE), count, seed));
    }

    public List<TrainingSequence> encode(List<TrainingPair> pairs) {
        List<TrainingSequence> out = new ArrayList<>(pairs.size());
        for (TrainingPair p : pairs) {
            PromptFormat.TrainingSequence s = format.trainingIds(tokenizer, p.source(), p.target());
            out.add(new TrainingSequence(s.ids(), s.targetStart()));
        }
        return out;
    }
}
