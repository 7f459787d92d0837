package miniserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import miniserve.agent.TinyTutorCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static miniserve.cli.CorrectCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class EvalCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theTutorIsEvaluatedBesideTheBaselinesOnTheSameSentences() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        Path out = tmp.resolve("eval");
        CorrectCommandTest.Run r = run("eval", "--weights", weights.toString(), "--systems", "tutor,copy", "--max-tokens", "8",
                "--synthetic", "24", "--preservation", "24", "--no-jfleg", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("eval.json")));
        JsonNode systems = json.get("systems");
        assertThat(systems).hasSize(2);
        assertThat(systems.get(0).get("system").asText()).isEqualTo("tutor");
        // A random model never ends its answer within 8 tokens, so the output check refuses every answer and
        // the tutor returns what the stages after the model make of each sentence: here two typos fixed (no
        // other edit), where copying fixes nothing.
        JsonNode tutor = systems.get(0).get("synthetic"), copy = systems.get(1).get("synthetic");
        assertThat(tutor.get("overall").get("truePositives").asInt()).isEqualTo(2);
        assertThat(tutor.get("overall").get("falsePositives").asInt()).isZero();
        assertThat(copy.get("overall").get("truePositives").asInt()).isZero();
        assertThat(tutor.get("exactMatch").asDouble()).isGreaterThan(copy.get("exactMatch").asDouble());
        // and of the clean sentences it changes one, where UD's text itself has an error ("a excellent")
        assertThat(systems.get(1).get("preservation").get("unchanged").asInt()).isEqualTo(24);
        assertThat(systems.get(0).get("preservation").get("changed")).singleElement()
                .satisfies(c -> assertThat(c.get("answer").asText()).contains("put out an excellent slide show"));
        assertThat(json.get("settings").get("tutor").asText()).contains("max 8 new tokens");
        assertThat(Files.readString(out.resolve("eval.md"))).contains("tutor", "copy");
    }

    @Test
    void theCopyBiasIsTunedOnCleanDevSentencesSoUdTestStaysUnseen() throws IOException {
        Path out = tmp.resolve("tune");
        CorrectCommandTest.Run r = run("eval", "--systems", "copy", "--synthetic", "12", "--preservation", "30",
                "--preservation-from", "dev", "--no-jfleg", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("eval.json")));
        assertThat(json.get("settings").get("preservation").asText()).contains("30 usable sentences of", "dev.txt");
        assertThat(json.get("settings").get("command").asText()).contains("--preservation-from dev");
        assertThat(Files.readString(out.resolve("eval.md"))).contains("Preservation: 30 clean UD dev sentences.");

        CorrectCommandTest.Run bad = run("eval", "--systems", "copy", "--preservation-from", "train", "--no-jfleg", "--out", out.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("--preservation-from must be 'test' or 'dev', got 'train'");
    }

    @Test
    void anUnknownSystemIsOneLine() {
        CorrectCommandTest.Run r = run("eval", "--systems", "oracle", "--no-jfleg", "--out", tmp.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("unknown system 'oracle'");
    }
}
