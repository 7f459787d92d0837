package miniserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import miniserve.train.TrainingCheckpoint;
import miniserve.train.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./miniserve train} end to end on a tiny model and a slice of the real data. */
class TrainCommandTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(List<String> args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** A data folder with the first lines of the project's UD files. */
    private Path data() throws IOException {
        Path d = tmp.resolve("data");
        Files.createDirectories(d);
        Files.write(d.resolve("train.txt"), Files.readAllLines(Path.of("data/ud-ewt/train.txt")).subList(0, 400));
        Files.write(d.resolve("dev.txt"), Files.readAllLines(Path.of("data/ud-ewt/dev.txt")).subList(0, 100));
        return d;
    }

    private List<String> tiny(Path data, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--vocab", "weights",
                "--out", tmp.resolve("out").toString(), "--checkpoint-dir", tmp.resolve("ckpt").toString(),
                "--n-embd", "16", "--n-layer", "1", "--n-head", "2", "--n-positions", "96", "--seq-len", "96",
                "--batch", "4", "--steps", "3", "--warmup", "1", "--heldout", "6", "--eval-every", "2",
                "--checkpoint-every", "2", "--threads", "1"));
        // Later settings replace the defaults above (picocli refuses an option given twice).
        for (int i = 0; i < more.length; i++) {
            boolean hasValue = i + 1 < more.length && !more[i + 1].startsWith("--");
            int at = a.indexOf(more[i]);
            if (at >= 0 && hasValue) a.set(at + 1, more[++i]);
            else if (hasValue) a.addAll(List.of(more[i], more[++i]));
            else a.add(more[i]);
        }
        return a;
    }

    @Test
    void trainsWritesAModelDirectoryAndRefusesToClobberARun() throws IOException {
        Path data = data();
        Run r = run(tiny(data));
        assertThat(r.exit()).as(r.err()).isZero();
        Path out = tmp.resolve("out");
        GptConfig cfg = GptCheckpoint.readConfig(out);
        assertThat(cfg.nEmbd()).isEqualTo(16);
        assertThat(cfg.vocabSize()).isEqualTo(GptCheckpoint.load(out).config.vocabSize());
        for (String f : List.of("vocab.json", "merges.txt", "prompt_format.json", "training-loss.png"))
            assertThat(out.resolve(f)).isNotEmptyFile();
        List<TrainingHistory.Row> rows = TrainingHistory.readCsv(out.resolve("training-loss.csv")).rows();
        assertThat(rows).extracting(TrainingHistory.Row::step).containsExactly(1, 2, 3);
        assertThat(rows.get(1).heldOutLoss()).isPositive();
        JsonNode summary = new ObjectMapper().readTree(out.resolve("training-run.json").toFile());
        assertThat(summary.path("steps").asInt()).isEqualTo(3);
        assertThat(summary.path("options").path("model").path("nEmbd").asInt()).isEqualTo(16);
        assertThat(TrainingCheckpoint.load(tmp.resolve("ckpt")).step()).isEqualTo(3);
        assertThat(r.out()).contains("trained 3 steps");
        assertThat(r.err()).contains("held-out loss").contains("step 3/3");

        // A second run must say what to do with the saved one.
        Run again = run(tiny(data));
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("--resume").contains("--fresh").doesNotContain("Exception");
    }

    @Test
    void resumeTakesTheCheckpointsSettingsAndHistory() throws IOException {
        // Stopping mid-run and continuing is checked step for step in TrainerTest; here the CLI wiring.
        Path data = data();
        Run first = run(tiny(data));
        assertThat(first.exit()).as(first.err()).isZero();
        List<TrainingHistory.Row> full = TrainingHistory.readCsv(tmp.resolve("out/training-loss.csv")).rows();

        Run resumed = run(List.of("train", "--resume", "--checkpoint-dir", tmp.resolve("ckpt").toString(),
                "--data", data.toString(), "--out", tmp.resolve("out2").toString(), "--n-embd", "64", "--threads", "1"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(GptCheckpoint.readConfig(tmp.resolve("out2")).nEmbd()).as("the checkpoint's model, not --n-embd").isEqualTo(16);
        assertThat(TrainingHistory.readCsv(tmp.resolve("out2/training-loss.csv")).rows()).isEqualTo(full);
        assertThat(Files.readAllBytes(tmp.resolve("out2/model.safetensors"))).isEqualTo(Files.readAllBytes(tmp.resolve("out/model.safetensors")));
    }

    @Test
    void resumeKeepsTheRunsDataAndRefusesOtherData() throws IOException {
        Path data = data();
        Run first = run(tiny(data, "--error-profile", "learner", "--max-words", "30", "--extra-text", "none"));
        assertThat(first.exit()).as(first.err()).isZero();
        String ckpt = tmp.resolve("ckpt").toString();
        JsonNode firstRun = new ObjectMapper().readTree(tmp.resolve("out/training-run.json").toFile());

        // Without the data options, --resume goes on with the run's own (not the defaults: UD, WordNet, 'original').
        Run resumed = run(List.of("train", "--resume", "--checkpoint-dir", ckpt, "--out", tmp.resolve("out2").toString(),
                "--steps", "5", "--threads", "1"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        JsonNode run = new ObjectMapper().readTree(tmp.resolve("out2/training-run.json").toFile());
        assertThat(run.path("error_profile").asText()).isEqualTo("learner");
        assertThat(run.path("max_words").asInt()).isEqualTo(30);
        assertThat(run.path("extra_text").asText()).isEqualTo("[]");
        assertThat(run.path("clean_training_sentences").asInt()).isEqualTo(firstRun.path("clean_training_sentences").asInt()).isLessThan(400);
        assertThat(run.path("heldout_sentences").asInt()).isEqualTo(6);

        // The same value again is fine; another one is a one-line error and nothing runs.
        Run other = run(List.of("train", "--resume", "--checkpoint-dir", ckpt, "--out", tmp.resolve("out3").toString(),
                "--steps", "6", "--max-words", "30", "--error-profile", "original", "--threads", "1"));
        assertThat(other.exit()).isNotZero();
        assertThat(other.err().strip()).doesNotContain("\n").doesNotContain("Exception")
                .contains("--error-profile original: the saved run was started with --error-profile learner");
        assertThat(tmp.resolve("out3")).doesNotExist();
        assertThat(TrainingCheckpoint.load(tmp.resolve("ckpt")).step()).isEqualTo(5);
    }

    @Test
    void resumeWithStepsLengthensTheRun() throws IOException {
        Path data = data();
        Run first = run(tiny(data));
        assertThat(first.exit()).as(first.err()).isZero();
        Run longer = run(List.of("train", "--resume", "--checkpoint-dir", tmp.resolve("ckpt").toString(),
                "--data", data.toString(), "--out", tmp.resolve("out2").toString(), "--steps", "5", "--threads", "1"));
        assertThat(longer.exit()).as(longer.err()).isZero();
        assertThat(TrainingHistory.readCsv(tmp.resolve("out2/training-loss.csv")).rows())
                .extracting(TrainingHistory.Row::step).containsExactly(1, 2, 3, 4, 5);
        Run shorter = run(List.of("train", "--resume", "--checkpoint-dir", tmp.resolve("ckpt").toString(),
                "--data", data.toString(), "--out", tmp.resolve("out3").toString(), "--steps", "4", "--threads", "1"));
        assertThat(shorter.exit()).isNotZero();
        assertThat(shorter.err()).contains("--steps 4: the saved run has already done 5 steps");
    }

    @Test
    void badSettingsGiveOneLine() throws IOException {
        Path data = data();
        Run heads = run(tiny(data, "--n-head", "3"));
        assertThat(heads.exit()).isNotZero();
        assertThat(heads.err()).contains("multiple of n_head").doesNotContain("Exception");
        Run seq = run(tiny(data, "--seq-len", "200"));
        assertThat(seq.err()).contains("exceeds the model's 96 positions");
        Run resume = run(tiny(data, "--resume"));
        assertThat(resume.err()).contains("no checkpoint in");
        Run noData = run(tiny(tmp.resolve("nowhere")));
        assertThat(noData.err()).contains("missing file").contains("train.txt");
    }

    @Test
    void initFromStartsALaterLegFromTrainedWeightsWithMorePositions() throws IOException {
        Path data = data();
        Run first = run(tiny(data));
        assertThat(first.exit()).as(first.err()).isZero();
        GptWeights leg0 = GptCheckpoint.load(tmp.resolve("out"));

        // Leg 1: the same model with 128 positions, the learner errors and longer sentences, a run of its own.
        Path out1 = tmp.resolve("out1");
        Run leg1 = run(List.of("train", "--data", data.toString(), "--vocab", "weights", "--out", out1.toString(),
                "--checkpoint-dir", tmp.resolve("ckpt1").toString(), "--init-from", tmp.resolve("out").toString(),
                "--n-positions", "128", "--seq-len", "128", "--max-words", "60", "--error-profile", "learner",
                "--batch", "4", "--steps", "1", "--warmup", "1", "--lr", "1e-9", "--min-lr", "1e-9", "--heldout", "0", "--threads", "1"));
        assertThat(leg1.exit()).as(leg1.err()).isZero();
        GptWeights w1 = GptCheckpoint.load(out1);
        assertThat(w1.config.nPositions()).isEqualTo(128);
        assertThat(w1.config.nEmbd()).as("the shape of --init-from, not the default --n-embd").isEqualTo(16);
        // One step at a learning rate of 1e-9 leaves every weight where leg 0 left it.
        for (int i = 0; i < leg0.layers[0].fcW.length; i++)
            assertThat(w1.layers[0].fcW[i]).isCloseTo(leg0.layers[0].fcW[i], org.assertj.core.data.Offset.offset(1e-6f));
        // Leg 1b: two blocks, the new one added as the identity.
        Path deeper = tmp.resolve("deeper");
        Run grow = run(List.of("train", "--data", data.toString(), "--vocab", "weights", "--out", deeper.toString(),
                "--checkpoint-dir", tmp.resolve("ckpt1b").toString(), "--init-from", tmp.resolve("out").toString(),
                "--n-layer", "2", "--seq-len", "96", "--batch", "4", "--steps", "1", "--warmup", "1", "--lr", "1e-9", "--min-lr", "1e-9",
                "--heldout", "0", "--threads", "1"));
        assertThat(grow.exit()).as(grow.err()).isZero();
        GptWeights w2 = GptCheckpoint.load(deeper);
        assertThat(w2.config.nLayer()).isEqualTo(2);
        for (int i = 0; i < leg0.layers[0].fcW.length; i++)
            assertThat(w2.layers[0].fcW[i]).isCloseTo(leg0.layers[0].fcW[i], org.assertj.core.data.Offset.offset(1e-6f));
        for (float v : w2.layers[1].fcProjW) assertThat(Math.abs(v)).isLessThan(1e-6f);
        JsonNode summary = new ObjectMapper().readTree(out1.resolve("training-run.json").toFile());
        assertThat(summary.path("init_from").asText()).isEqualTo(tmp.resolve("out").toString());
        assertThat(summary.path("error_profile").asText()).isEqualTo("learner");
        assertThat(summary.path("max_words").asInt()).isEqualTo(60);
        // Resumed (here: lengthened), the leg still says where it started.
        Run resumed = run(List.of("train", "--resume", "--checkpoint-dir", tmp.resolve("ckpt1").toString(), "--steps", "2",
                "--data", data.toString(), "--out", tmp.resolve("out1b").toString(), "--threads", "1", "--max-words", "60",
                "--error-profile", "learner"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(new ObjectMapper().readTree(tmp.resolve("out1b/training-run.json").toFile()).path("init_from").asText())
                .isEqualTo(tmp.resolve("out").toString());

        Run size = run(List.of("train", "--data", data.toString(), "--out", tmp.resolve("x").toString(),
                "--checkpoint-dir", tmp.resolve("ckpt2").toString(), "--init-from", tmp.resolve("out").toString(), "--n-embd", "32"));
        assertThat(size.exit()).isNotZero();
        assertThat(size.err()).contains("--n-embd 32 differs from the model").doesNotContain("Exception");
        Run fewer = run(List.of("train", "--data", data.toString(), "--out", tmp.resolve("x").toString(),
                "--checkpoint-dir", tmp.resolve("ckpt2").toString(), "--init-from", tmp.resolve("out").toString(), "--n-layer", "0"));
        assertThat(fewer.exit()).isNotZero();
        assertThat(fewer.err()).contains("has 1 block(s), and a later leg may add blocks, not remove them").doesNotContain("Exception");
        Run shrink = run(List.of("train", "--data", data.toString(), "--out", tmp.resolve("x").toString(),
                "--checkpoint-dir", tmp.resolve("ckpt2").toString(), "--init-from", tmp.resolve("out").toString(),
                "--n-positions", "64", "--seq-len", "64"));
        assertThat(shrink.err()).contains("cannot shrink the model's 96 positions to 64");
        Run both = run(tiny(data, "--resume", "--init-from", tmp.resolve("out").toString()));
        assertThat(both.err()).contains("--resume continues a saved run");
        Run profile = run(tiny(data, "--error-profile", "typos"));
        assertThat(profile.err()).contains("unknown error profile 'typos'");
        Run missing = run(tiny(data, "--fresh", "--init-from", tmp.resolve("nowhere").toString()));
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("--init-from").doesNotContain("Exception");
    }

    @Test
    void aRecipeRunsItsLegsInOrderEachFromTheLastAndSkipsWhatIsDone() throws IOException {
        Path data = data();
        String common = "\"--data\", \"" + data + "\", \"--vocab\", \"weights\", \"--n-layer\", \"1\", \"--n-head\", \"2\", "
                + "\"--batch\", \"4\", \"--warmup\", \"1\", \"--heldout\", \"4\", \"--threads\", \"1\"";
        Path recipe = tmp.resolve("recipe.json");
        Files.writeString(recipe, "{\"description\": \"two legs\", \"generation_config\": {\"copy_bias\": 2.5}, \"legs\": ["
                + "{\"name\": \"from scratch\", \"note\": \"\", \"args\": [" + common + ", \"--n-embd\", \"16\", "
                + "\"--n-positions\", \"96\", \"--seq-len\", \"96\", \"--steps\", \"2\"]},"
                + "{\"name\": \"longer\", \"note\": \"\", \"args\": [" + common + ", \"--n-positions\", \"112\", "
                + "\"--seq-len\", \"112\", \"--steps\", \"1\", \"--error-profile\", \"learner\"]}]}");
        Path chain = tmp.resolve("chain"), out = tmp.resolve("final");
        Run r = run(List.of("train", "--recipe", recipe.toString(), "--recipe-dir", chain.toString(), "--out", out.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("leg 0 (from scratch): starting").contains("leg 1 (longer): starting");
        assertThat(GptCheckpoint.readConfig(out).nPositions()).isEqualTo(112);
        JsonNode leg1 = new ObjectMapper().readTree(out.resolve("training-run.json").toFile());
        assertThat(leg1.path("init_from").asText()).isEqualTo(chain.resolve("leg-0/out").toString());
        assertThat(leg1.path("error_profile").asText()).isEqualTo("learner");
        assertThat(new ObjectMapper().readTree(out.resolve("generation_config.json").toFile()).path("copy_bias").asDouble()).isEqualTo(2.5);
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));

        Run again = run(List.of("train", "--recipe", recipe.toString(), "--recipe-dir", chain.toString(), "--out", out.toString()));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("leg 0 (from scratch): done").contains("leg 1 (longer): done");
        assertThat(Files.readAllBytes(out.resolve("model.safetensors"))).isEqualTo(weights);

        Files.writeString(recipe, "{\"description\": \"\", \"legs\": [{\"name\": \"x\", \"note\": \"\", \"args\": [\"--out\", \"y\"]}]}");
        Run bad = run(List.of("train", "--recipe", recipe.toString(), "--recipe-dir", chain.toString()));
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("sets --out, which the recipe sets itself").doesNotContain("Exception");
        Run missing = run(List.of("train", "--recipe", tmp.resolve("nope.json").toString()));
        assertThat(missing.err()).contains("no recipe file");
    }

    @Test
    void speedTestMeasuresAndWritesNothing() throws IOException {
        Run r = run(tiny(data(), "--speed-test", "2"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("tokens/s").contains("projected for 3 steps");
        assertThat(r.out()).containsPattern("trainer: [0-9.]+ GFLOP/s .*FMA loop on the same [0-9]+ threads: [0-9.]+ GFLOP/s; the trainer reaches [0-9]+% of it");
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(tmp.resolve("ckpt")).doesNotExist();
    }
}
