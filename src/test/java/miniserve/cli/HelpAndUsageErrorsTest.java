package miniserve.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a person sees from {@code --help} and from a mistyped command line. */
class HelpAndUsageErrorsTest {

    /** picocli's width when it cannot ask the terminal. */
    private static final int WIDTH = 80;

    @Test
    void aMistypedFlagPrintsTheErrorAndWhereTheHelpIsNotTheHelp() {
        CorrectCommandTest.Run r = CorrectCommandTest.run("serve", "--prot", "8081");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("miniserve serve: Unknown option").contains("'--prot'")
                .endsWith("See 'miniserve serve --help'.\n").doesNotContain("Usage:").doesNotContain("--max-batch");
        assertThat(r.err().lines()).hasSizeLessThanOrEqualTo(3); // the error, picocli's suggestion, the pointer
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadValueNamesTheFlagAndTheValuesItTakesWithoutAJavaClass() {
        CorrectCommandTest.Run mode = CorrectCommandTest.run("serve", "--mode", "sideways");
        assertThat(mode.exit()).isEqualTo(2);
        assertThat(mode.err()).isEqualTo("miniserve serve: Invalid value for option '--mode': expected batched or unbatched, "
                + "got 'sideways'\nSee 'miniserve serve --help'.\n");
        for (String[] args : List.of(new String[] {"serve", "--max-batch", "eight"}, new String[] {"serve", "--stop-rule", "never"},
                new String[] {"serve", "--scheduler", "dynamic"}, new String[] {"serve", "--model-thread", "green"},
                new String[] {"loadtest", "--rate", "fast"}, new String[] {"correct", "--threads"}, new String[] {"bogus"})) {
            CorrectCommandTest.Run r = CorrectCommandTest.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains("See 'miniserve").doesNotContain("Usage:")
                    .doesNotContainPattern("java\\.|Exception");
        }
    }

    @Test
    void aFailureIsOneSentenceWithoutTheNameOfAnExceptionClass() {
        assertThat(Main.sentence(new java.nio.file.NoSuchFileException("data/x.txt"))).isEqualTo("not found: data/x.txt");
        assertThat(Main.sentence(new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/etc/x"))))
                .isEqualTo("permission denied: /etc/x");
        assertThat(Main.sentence(new NullPointerException())).doesNotContain("NullPointer").contains("MINISERVE_DEBUG");
        assertThat(Main.sentence(new IllegalStateException("cannot read weights: java.io.EOFException: truncated")))
                .isEqualTo("cannot read weights: truncated");
    }

    /**
     * Every command's help fits picocli's 80 columns, each command's summary (the line its parent lists) is a
     * whole sentence, and no word of the text is split over two lines (picocli may break after a '.' or ':'
     * inside a word, e.g. "model." / "safetensors"; paths and the synopsis aside).
     */
    @Test
    void everyHelpIsWholeAndWithinItsWidth() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Main.commandLine(), commands);
        assertThat(commands).hasSizeGreaterThan(15); // the subcommands of tokenizer and synth too
        List<String> splitWords = new ArrayList<>();
        for (CommandLine cmd : commands) {
            String name = cmd.getCommandSpec().qualifiedName();
            String help = cmd.getUsageMessage();
            assertThat(help).as(name).contains("Usage: " + name);
            for (String line : help.lines().toList())
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(WIDTH);
            String[] description = cmd.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0].strip()).as(name + "'s summary").endsWith(".");

            cmd.setUsageHelpWidth(10_000);
            Set<String> words = new HashSet<>(Arrays.asList(cmd.getUsageMessage().split("\\s+")));
            cmd.setUsageHelpWidth(WIDTH);
            List<String> lines = help.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String[] before = lines.get(i).split("\\s+"), after = lines.get(i + 1).split("\\s+");
                String joined = before[before.length - 1] + after[0];
                if (!joined.matches(".*[/\\[<].*") && words.contains(joined)) splitWords.add(name + ": " + joined);
            }
        }
        assertThat(splitWords).as("words split over two lines").isEmpty();
    }

    private static void collect(CommandLine cmd, List<CommandLine> into) {
        into.add(cmd);
        for (CommandLine sub : cmd.getSubcommands().values()) collect(sub, into);
    }
}
