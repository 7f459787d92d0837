package miniserve.agent;

import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.tokenizer.ByteLevel;
import miniserve.tokenizer.PromptFormat;
import miniserve.tokenizer.VocabFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny tutor weights directory for tests: random GPT-2 weights (2 layers, width 32, 128
 * positions) and a byte-level vocabulary with no merges (one token per byte) plus the prompt's
 * special tokens. Its output is gibberish, which the agent refuses: enough to test plumbing.
 */
public final class TinyTutorCheckpoint {

    public static final int N_POSITIONS = 128;

    private TinyTutorCheckpoint() {}

    public static Path write(Path dir, long seed) throws IOException {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 256; i++) tokens.add(String.valueOf(ByteLevel.charOf(ByteLevel.byteInVocabOrder(i))));
        tokens.add(PromptFormat.DEFAULT.separator());
        tokens.add(PromptFormat.DEFAULT.end());
        VocabFiles.writeVocab(dir.resolve("vocab.json"), tokens);
        VocabFiles.writeMerges(dir.resolve("merges.txt"), List.of());
        PromptFormat.DEFAULT.write(dir.resolve(PromptFormat.FILE_NAME));
        GptConfig config = new GptConfig(tokens.size(), N_POSITIONS, 32, 2, 2);
        GptCheckpoint.save(dir, GptWeights.random(config, seed));
        return dir;
    }
}
