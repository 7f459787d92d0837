package miniserve.loadtest;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadTestSpecTest {

    @Test
    void onlyLoopbackTargetsAreAccepted() {
        assertThatCode(() -> LoadTestSpec.requireLoopback(URI.create("http://127.0.0.1:8080"))).doesNotThrowAnyException();
        assertThatCode(() -> LoadTestSpec.requireLoopback(URI.create("http://127.0.0.2:8080"))).doesNotThrowAnyException();
        assertThatCode(() -> LoadTestSpec.requireLoopback(URI.create("http://[::1]:8080"))).doesNotThrowAnyException();
        assertThatCode(() -> LoadTestSpec.requireLoopback(URI.create("http://localhost:8080"))).doesNotThrowAnyException();
        for (String bad : new String[]{"http://10.0.0.1:8080", "http://192.168.1.5", "http://8.8.8.8", "https://127.0.0.1:8443"})
            assertThatThrownBy(() -> LoadTestSpec.requireLoopback(URI.create(bad)))
                    .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadTestSpec.closedLoop(URI.create("http://10.1.2.3"), 1, 1))
                .hasMessageContaining("not a loopback address");
    }

    @Test
    void boundsAreChecked() {
        URI t = URI.create("http://127.0.0.1:1");
        assertThatThrownBy(() -> LoadTestSpec.closedLoop(t, 0, 10)).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> LoadTestSpec.closedLoop(t, 1, 0)).hasMessageContaining("total");
        assertThatThrownBy(() -> LoadTestSpec.openLoop(t, 0, Duration.ofSeconds(1))).hasMessageContaining("rate");
        assertThatThrownBy(() -> LoadTestSpec.openLoop(t, 1e6, Duration.ofHours(1))).hasMessageContaining("limit");
        assertThatThrownBy(() -> LoadTestSpec.closedLoop(t, 1, 1).withRequestTimeout(Duration.ZERO)).hasMessageContaining("timeout");
    }
}
