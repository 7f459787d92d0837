package miniserve.lab;

import miniserve.serving.ServeFlags;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

    @Test
    void everyKindParsesFromItsShortForm() {
        assertThat(ServerConfig.parseList("unbatched, 8:20, ended:8:20, cont:16")).containsExactly(
                ServerConfig.baseline(), ServerConfig.batched(8, 20), ServerConfig.allEnded(8, 20), ServerConfig.continuous(16));
        assertThat(ServerConfig.parseList("unbatched,8:20,ended:8:20,cont:16")).extracting(ServerConfig::label)
                .containsExactly("unbatched", "b8-w20", "ended-b8-w20", "cont-b16");
        assertThatThrownBy(() -> ServerConfig.parseList("cont:8:20")).hasMessageContaining("'cont:8:20' is none of");
        assertThatThrownBy(() -> ServerConfig.parseList("ended:8")).hasMessageContaining("'ended:8' is none of");
        assertThatThrownBy(() -> ServerConfig.parseList("cont:8,cont:8")).hasMessageContaining("listed twice");
    }

    @Test
    void lab03SweepsEveryMaxBatchWithTheThreeSchedulersAndLab02sWaits() {
        List<ServerConfig> sweep = ServerConfig.lab03Sweep();
        assertThat(sweep).hasSize(1 + 6 * 3).contains(ServerConfig.batched(8, 20), ServerConfig.allEnded(32, 50), ServerConfig.continuous(1));
        assertThat(sweep.stream().filter(c -> c.kind() == ServerConfig.Kind.CONTINUOUS).map(ServerConfig::maxBatch))
                .containsExactly(1, 2, 4, 8, 16, 32);
    }

    @Test
    void eachKindIsStartedWithItsSchedulerAndStopRule() {
        LabSettings s = Synthetic.settings(Synthetic.goodSweep(), java.nio.file.Path.of("out"));
        ServeFlags fixed = s.serveFlags(ServerConfig.batched(8, 20));
        assertThat(fixed.scheduler()).isEqualTo(ServeFlags.Scheduler.STATIC);
        assertThat(fixed.stopRule()).isEqualTo(ServeFlags.StopRule.FIXED);
        ServeFlags ended = s.serveFlags(ServerConfig.allEnded(8, 20));
        assertThat(ended.stopRule()).isEqualTo(ServeFlags.StopRule.ALL_ENDED);
        assertThat(ended.maxWaitMs()).isEqualTo(20);
        ServeFlags cont = s.serveFlags(ServerConfig.continuous(8));
        assertThat(cont.continuous()).isTrue();
        assertThat(cont.maxBatch()).isEqualTo(8);
        assertThat(s.serveFlags(ServerConfig.baseline()).mode()).isEqualTo(ServeFlags.Mode.UNBATCHED);
    }
}
