package miniserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        System.exit(commandLine().execute(args));
    }

    /** The command tree, with errors printed as one line rather than a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + msg);
            if (System.getenv("MINISERVE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }
}
