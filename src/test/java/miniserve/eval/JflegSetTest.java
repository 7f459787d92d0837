package miniserve.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JflegSetTest {

    @Test
    void loadsTheDevSplit() {
        JflegSet dev = JflegSet.dev();
        assertThat(dev.sources()).hasSize(754);
        assertThat(dev.references()).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(754));
        assertThat(dev.sources().get(1)).isEqualTo("For not use car . ");
    }

    @Test
    void theEvaluationPipelineScoresTheCopiedSourceAsTheScorerDoes() {
        JflegSet dev = JflegSet.dev();
        // the source as a system would see it and return it unchanged
        var hyps = dev.sources().stream().map(s -> JflegText.tokenize(JflegText.detokenize(s))).toList();
        assertThat(dev.gleu().score(hyps).mean()).isEqualTo(dev.gleu().score(dev.sources()).mean());
    }

    @Test
    void failsClearlyOnMissingOrMisalignedFiles(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> JflegSet.load(dir, "dev")).isInstanceOf(UncheckedIOException.class).hasMessageContaining("dev.src");
        Files.writeString(dir.resolve("dev.src"), "a .\nb .\n");
        assertThatThrownBy(() -> JflegSet.load(dir, "dev")).hasMessageContaining("no references");
        Files.writeString(dir.resolve("dev.ref0"), "a .\n");
        assertThatThrownBy(() -> JflegSet.load(dir, "dev")).hasMessageContaining("dev.ref0 has 1 lines");
        Files.writeString(dir.resolve("dev.ref0"), "a .\nb !\n");
        assertThat(JflegSet.load(dir, "dev").references()).hasSize(1);
    }
}
