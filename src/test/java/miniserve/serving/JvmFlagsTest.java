package miniserve.serving;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JvmFlagsTest {

    private static final Path FILE = Path.of("src/main/resources" + JvmFlags.RESOURCE);

    @Test
    void theFlagsComeFromTheOneFile() {
        assertThat(JvmFlags.ALL).contains("--add-modules=jdk.incubator.vector").doesNotContain("");
        // the tests run with them too: Maven's argLine reads the same file
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(JvmFlags.ALL);
    }

    @Test
    void theLauncherCanReadTheFile() throws Exception {
        // ./miniserve takes the value of the line that starts with 'jvm.flags=', as it is (no continuation lines)
        List<String> lines = Files.readAllLines(FILE).stream().filter(l -> l.startsWith("jvm.flags=")).toList();
        assertThat(lines).hasSize(1);
        assertThat(List.of(lines.get(0).substring("jvm.flags=".length()).strip().split("\\s+"))).isEqualTo(JvmFlags.ALL);
        assertThat(Files.readString(Path.of("miniserve"))).contains(FILE.toString());
    }

    @Test
    void noOtherFileSpellsThemOut() throws Exception {
        for (Path p : List.of(Path.of("miniserve"), Path.of("pom.xml"), Path.of("bench/src/miniserve/bench/BenchMain.java")))
            for (String flag : JvmFlags.ALL) assertThat(Files.readString(p)).as(p + " has its own " + flag).doesNotContain(flag);
    }
}
