package miniserve.cli;

import miniserve.serving.JvmFlags;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar miniserve.jar ...}: the kernels need the incubating module {@value #MODULE}, which a JVM
 * resolves only when its command line asks for it ({@code --add-modules}); a jar's manifest can open packages,
 * allow native access and name an agent, but cannot add a module. So {@link Main}, finding the module missing,
 * runs the same command again in a child JVM with the project's {@link JvmFlags} and this JVM's own options,
 * hands it this process's standard streams, passes SIGTERM and SIGINT on to it, and exits with its status.
 */
final class VectorModuleRelaunch {

    static final String MODULE = "jdk.incubator.vector";
    /** Set on the child: a child still without the module says so rather than starting another. */
    static final String CHILD_PROPERTY = "miniserve.relaunched";
    /** The command that needs no relaunch, for the message when one is impossible. */
    static final String DIRECT_COMMAND = "java --add-modules=" + MODULE + " -jar target/miniserve.jar ...";

    private VectorModuleRelaunch() {}

    /** Whether this JVM runs without the module. */
    static boolean needed() {
        return ModuleLayer.boot().findModule(MODULE).isEmpty();
    }

    /** Runs {@code args} in a child JVM that has the module; returns its exit status. */
    static int run(String[] args) {
        if (ModuleFinder.ofSystem().find(MODULE).isEmpty() || Boolean.getBoolean(CHILD_PROPERTY)) {
            System.err.println("miniserve: this Java runtime (" + System.getProperty("java.home") + ") lacks the module " + MODULE
                    + " that the model's kernels need; use a JDK 21 or newer and run " + DIRECT_COMMAND + " or ./miniserve");
            return 1;
        }
        List<String> command = command(args);
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            System.err.println("miniserve: cannot start " + command.getFirst() + " (" + e.getMessage() + "); run " + DIRECT_COMMAND);
            return 1;
        }
        // SIGTERM reaches only this process; Ctrl-C reaches both (one process group), and a second stop request is harmless
        Signals.onStop(child::destroy);
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // nothing interrupts main on purpose; the child decides when this ends
            }
        }
    }

    /** This JDK's java, the project's flags, this JVM's options, the same class path and main class, then {@code args}. */
    static List<String> command(String[] args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.ALL);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD_PROPERTY + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }
}
