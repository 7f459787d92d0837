package miniserve.lab;

import miniserve.serving.JvmFlags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts one server for a configuration. */
@FunctionalInterface
public interface ServerLauncher {

    List<String> command(ServerConfig config);

    /**
     * {@code serve} in a fresh JVM: this JDK's {@code java} with the project's {@link JvmFlags} and the
     * sweep's extra options, this process's class path, {@code mainClass} (the command line's entry point,
     * or a stand-in in tests), then the configuration's {@link LabSettings#serveFlags serve flags}.
     */
    static ServerLauncher serve(LabSettings s, Class<?> mainClass) {
        String classPath = System.getProperty("java.class.path");
        return config -> {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JvmFlags.ALL);
            cmd.addAll(s.serverJavaOptions());
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(mainClass.getName());
            cmd.addAll(s.serveFlags(config).toArgs());
            return cmd;
        };
    }
}
