package miniserve.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts one server for a configuration. */
@FunctionalInterface
public interface ServerLauncher {

    List<String> command(ServerConfig config);

    /** JVM flags every server gets (the same as the launcher's). */
    List<String> JVM_FLAGS = List.of("--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC");

    /**
     * {@code ./miniserve serve} in a fresh JVM: this JDK's {@code java}, this process's class path,
     * an ephemeral port, and the sweep's generation settings.
     */
    static ServerLauncher serve(LabSettings s) {
        return serve(s, System.getProperty("java.class.path"), "miniserve.cli.Main");
    }

    /** As {@link #serve(LabSettings)} with another class path or main class. */
    static ServerLauncher serve(LabSettings s, String classPath, String mainClass) {
        return config -> {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(s.serverJavaOptions());
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(mainClass);
            cmd.add("serve");
            cmd.add("--port");
            cmd.add("0");
            cmd.add("--mode");
            cmd.add(config.mode());
            if (!config.unbatched()) {
                cmd.add("--max-batch");
                cmd.add(Integer.toString(config.maxBatch()));
                cmd.add("--max-wait-ms");
                cmd.add(Integer.toString(config.maxWaitMs()));
                cmd.add("--model-threads");
                cmd.add(Integer.toString(s.modelThreads()));
            }
            cmd.add("--max-tokens");
            cmd.add(Integer.toString(s.maxTokens()));
            cmd.add("--stop-rule");
            cmd.add(s.stopRule());
            cmd.add("--threads");
            cmd.add(Integer.toString(s.threads()));
            cmd.add("--weights");
            cmd.add(s.weights().toAbsolutePath().toString());
            return cmd;
        };
    }
}
