package miniserve.deploy;

import miniserve.cli.Main;
import miniserve.server.ServerMetrics;
import miniserve.serving.JvmFlags;
import miniserve.serving.MetricNames;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container and the manifests name things the code defines (flags, routes, metrics, JVM
 * flags); these checks catch the two drifting apart. deploy/validate.sh checks the files against
 * Kubernetes' schemas and the linters; neither can run an image or a cluster here.
 */
class DeployFilesTest {

    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    private static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void theImageRunsServeWithTheProjectsJvmFlagsFromTheirOneFile() throws IOException {
        String dockerfile = read("Dockerfile");
        assertThat(dockerfile).contains("sed -n 's/^jvm\\.flags=//p' src/main/resources" + JvmFlags.RESOURCE + " > target/jvm.flags");
        for (String flag : JvmFlags.ALL) assertThat(dockerfile).as("spelled out: " + flag).doesNotContain(flag);
        String entrypoint = dockerfile.substring(dockerfile.indexOf("ENTRYPOINT"));
        assertThat(entrypoint).contains("exec java $(cat jvm.flags)").contains("miniserve.cli.Main serve --host 0.0.0.0 \\\"$@\\\"");
        assertThat(dockerfile).contains("FROM eclipse-temurin:25-jre").containsPattern("USER \\d+").contains("COPY weights weights");
    }

    @Test
    void theDeploymentPassesOnlyFlagsServeHasAndProbesItsHealthRoute() throws IOException {
        String deployment = read("deploy/k8s/deployment.yaml");
        CommandSpec serve = Main.commandLine().getSubcommands().get("serve").getCommandSpec();
        List<String> flags = all(Pattern.compile("(?m)^\\s+- (--[a-z-]+)$"), deployment);
        assertThat(flags).contains("--history-url", "--threads");
        for (String flag : flags) assertThat(serve.findOption(flag)).as(flag).isNotNull();
        assertThat(all(Pattern.compile("path: (/\\S+)"), deployment)).containsOnly("/health", "/metrics");
        // The grace period outlasts the preStop pause and serve's drain limit.
        int grace = Integer.parseInt(all(Pattern.compile("terminationGracePeriodSeconds: (\\d+)"), deployment).getFirst());
        int pause = Integer.parseInt(all(Pattern.compile("command: \\[\"sleep\", \"(\\d+)\"]"), deployment).getFirst());
        assertThat(grace).isGreaterThan(pause + 60);
    }

    @Test
    void theAutoscalerAndTheAdapterRuleReadAMetricTheServerExports() throws IOException {
        String metrics = new ServerMetrics().text();
        String hpa = read("deploy/k8s/hpa.yaml");
        String metric = all(Pattern.compile("name: (miniserve_\\w+)"), hpa).getFirst();
        assertThat(metric).isEqualTo(MetricNames.REQUESTS_WAITING); // the queue depth
        assertThat(metrics).containsPattern("(?m)^# TYPE " + metric + " gauge$");
        assertThat(read("deploy/k8s/prometheus-adapter-rules.yaml")).contains("seriesQuery: '" + metric + "{")
                .contains("as: \"" + metric + "\"");
    }

    @Test
    void nginxRetriesOnlyWhatNeverReachedAReplica() throws IOException {
        String conf = read("deploy/nginx.conf");
        List<String> retries = all(Pattern.compile("(?m)^\\s*proxy_next_upstream\\s+([^;]+);"), conf);
        assertThat(retries).isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo("error timeout"));
        assertThat(conf).contains("least_conn;").containsPattern("max_fails=1 fail_timeout=\\d+s");
        assertThat(conf).doesNotContainPattern("(?m)^\\s*keepalive\\s");
    }
}
