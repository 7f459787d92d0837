package miniserve.lab;

import miniserve.serving.JvmFlags;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerLauncherTest {

    @TempDir Path dir;

    @Test
    void eachConfigurationGetsItsServeFlags() {
        LabSettings s = Synthetic.settings(Synthetic.goodSweep(), dir);
        ServeFlags baseline = s.serveFlags(ServerConfig.baseline());
        assertThat(baseline.mode()).isEqualTo(Mode.UNBATCHED);
        assertThat(baseline.modelThreads()).isNull(); // batches in flight mean nothing to the baseline
        assertThat(baseline.port()).isZero();
        assertThat(baseline.weights()).isAbsolute().endsWith(s.weights());
        ServeFlags b8 = s.serveFlags(ServerConfig.batched(8, 20));
        assertThat(b8.mode()).isEqualTo(Mode.BATCHED);
        assertThat(List.of(b8.maxBatch(), (int) b8.maxWaitMs(), b8.modelThreads(), b8.threads(), b8.maxTokens()))
                .containsExactly(8, 20, s.modelThreads(), s.threads(), s.maxTokens());
        assertThat(b8.stopRule()).isEqualTo(s.stopRule());
    }

    @Test
    void theCommandIsJavaWithTheProjectsFlagsTheMainClassAndTheServeFlags() {
        LabSettings s = Synthetic.settings(Synthetic.goodSweep(), dir);
        ServerConfig config = ServerConfig.batched(4, 10);
        List<String> cmd = ServerLauncher.serve(s, ContractStandInServer.class).command(config);
        List<String> expected = new ArrayList<>(JvmFlags.ALL);
        expected.addAll(s.serverJavaOptions());
        expected.addAll(List.of("-cp", System.getProperty("java.class.path"), ContractStandInServer.class.getName()));
        expected.addAll(s.serveFlags(config).toArgs());
        assertThat(cmd.get(0)).endsWith("java");
        assertThat(cmd.subList(1, cmd.size())).isEqualTo(expected);
    }
}
