package miniserve.cli;

import miniserve.serving.ProjectRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The one entry point: {@code ./miniserve <subcommand>}. */
@Command(name = "miniserve", mixinStandardHelpOptions = true, version = "miniserve 0.1.0",
        description = "A grammar tutor served over HTTP by a pure-Java GPT-2, and a lab that measures request batching.",
        subcommands = {
                CommandLine.HelpCommand.class,
                ModelInfoCommand.class,
                TokenizerCommand.class,
                SynthCommand.class,
                EvalCommand.class,
                ServeCommand.class,
                CorrectCommand.class,
                LoadtestCommand.class,
                LabCommand.class,
                TrainCommand.class,
        })
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        // java -jar starts without the Vector API's module, which a manifest cannot add: run again with it
        if (VectorModuleRelaunch.needed()) System.exit(VectorModuleRelaunch.run(args));
        System.exit(commandLine().execute(args));
    }

    /**
     * The command tree: a usage mistake prints its error and where the help is, a failure prints one line
     * rather than a stack trace, and default paths name the project's files ({@link ProjectRoot}).
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setDefaultValueProvider(Main::projectDefault);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + sentence(ex));
            if (System.getenv("MINISERVE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    // "java.nio.file.NoSuchFileException: " and the like, inside a message built from another exception
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ");

    /** A failure as a sentence for a person: what went wrong, never the name of an exception class. */
    static String sentence(Throwable ex) {
        while (ex instanceof UncheckedIOException && ex.getCause() != null) ex = ex.getCause();
        return switch (ex) {
            case NoSuchFileException e -> "not found: " + e.getFile();
            case AccessDeniedException e -> "permission denied: " + e.getFile();
            case FileAlreadyExistsException e -> "already exists: " + e.getFile();
            case Throwable e when e.getMessage() == null || e.getMessage().isBlank() ->
                    "failed unexpectedly (MINISERVE_DEBUG=1 shows where)";
            default -> CLASS_NAME.matcher(ex.getMessage()).replaceAll("");
        };
    }

    /** The error, picocli's suggestions for a mistyped name, and one line saying where the help is: not the whole help. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + CLASS_NAME.matcher(ex.getMessage()).replaceAll(""));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("See '" + name + " --help'.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A path option's relative default (e.g. {@code weights}) resolved inside the project, whatever the
     * working directory; other defaults as the option declares them.
     */
    private static String projectDefault(ArgSpec arg) {
        String declared = arg.defaultValue();
        if (declared == null || !(arg instanceof OptionSpec) || !holdsPaths(arg)) return declared;
        if (arg.splitRegex().isEmpty()) return ProjectRoot.resolve(declared).toString();
        if (!arg.splitRegex().equals(",")) return declared;
        return Arrays.stream(declared.split(",")).map(p -> ProjectRoot.resolve(p).toString()).collect(Collectors.joining(","));
    }

    private static boolean holdsPaths(ArgSpec arg) {
        if (arg.type() == Path.class) return true;
        Class<?>[] elements = arg.auxiliaryTypes();
        return Collection.class.isAssignableFrom(arg.type()) && elements.length == 1 && elements[0] == Path.class;
    }
}
