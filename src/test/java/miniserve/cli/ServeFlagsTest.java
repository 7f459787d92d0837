package miniserve.cli;

import miniserve.model.Generator;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;
import miniserve.serving.ServeFlags.ModelThread;
import miniserve.serving.ServeFlags.Scheduler;
import miniserve.serving.ServeFlags.StopRule;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serve command and {@link ServeFlags}, the typed form of its command line the lab starts servers with, agree. */
class ServeFlagsTest {

    /** The flags the serve command gets from {@code args}, parsed as {@code ./miniserve} parses them, without running it. */
    private static ServeFlags parse(List<String> args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        return serve.flags();
    }

    @Test
    void withoutFlagsServeRunsWithTheDefaults() {
        assertThat(parse(List.of(ServeFlags.COMMAND))).isEqualTo(ServeFlags.defaults(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void everyFieldRendersToAFlagThatServeParsesBackToTheSameValue() throws Exception {
        ServeFlags defaults = ServeFlags.defaults(4);
        assertThat(parse(defaults.toArgs())).isEqualTo(defaults);
        for (RecordComponent c : ServeFlags.class.getRecordComponents()) {
            ServeFlags changed = with(defaults, c, otherValue(c.getType(), c.getAccessor().invoke(defaults)));
            assertThat(changed).as(c.getName()).isNotEqualTo(defaults);
            assertThat(parse(changed.toArgs())).as(c.getName()).isEqualTo(changed);
        }
    }

    @Test
    void everyOptionOfServeIsAFieldOfTheRecord() {
        ServeFlags withModelThreads = new ServeFlags("127.0.0.1", 0, Path.of("w"), Mode.BATCHED, Scheduler.STATIC, 8, 20, 256, 256,
                0, 64, StopRule.FIXED, 4, 2, ModelThread.PLATFORM, Path.of("h.db"), null, true);
        ServeFlags withHistoryUrl = new ServeFlags("127.0.0.1", 0, Path.of("w"), Mode.BATCHED, Scheduler.STATIC, 8, 20, 256, 256,
                0, 64, StopRule.FIXED, 4, 2, ModelThread.PLATFORM, null, "jdbc:postgresql://h/d", false);
        Set<String> rendered = Stream.concat(withModelThreads.toArgs().stream(), withHistoryUrl.toArgs().stream())
                .filter(a -> a.startsWith("--")).collect(Collectors.toSet());
        List<OptionSpec> options = Main.commandLine().getSubcommands().get(ServeFlags.COMMAND).getCommandSpec().options();
        List<String> flags = options.stream().filter(o -> !o.usageHelp() && !o.versionHelp()).map(OptionSpec::longestName).toList();
        assertThat(flags).hasSize(ServeFlags.class.getRecordComponents().length);
        assertThat(rendered).containsExactlyInAnyOrderElementsOf(flags);
    }

    @Test
    void theStopRulesAreTheGeneratorsOnes() {
        assertThat(Arrays.stream(StopRule.values()).map(Enum::name))
                .containsExactlyElementsOf(Arrays.stream(Generator.StopRule.values()).map(Enum::name).toList());
    }

    @Test
    void aWordThatIsNoChoiceIsRefusedWithTheChoices() {
        assertThat(ServeFlags.parse(StopRule.class, "ALL-ENDED")).isEqualTo(StopRule.ALL_ENDED);
        assertThatThrownBy(() -> ServeFlags.parse(StopRule.class, "all_ended"))
                .hasMessage("expected fixed or all-ended, got 'all_ended'");
        assertThatThrownBy(() -> new ServeFlags("127.0.0.1", 0, Path.of("w"), Mode.BATCHED, Scheduler.STATIC, 8, 20, 256, 256, 0, 64,
                StopRule.FIXED, 2, 3, ModelThread.PLATFORM, null, null, false))
                .hasMessage("--model-threads must be between 1 and --threads (2), got 3");
        assertThatThrownBy(() -> new ServeFlags("127.0.0.1", 0, Path.of("w"), Mode.BATCHED, Scheduler.CONTINUOUS, 8, 20, 0, 256, 0, 64,
                StopRule.FIXED, 2, null, ModelThread.PLATFORM, null, null, false)).hasMessage("--prefill-tokens must be >= 1, got 0");
        assertThatThrownBy(() -> new ServeFlags("127.0.0.1", 0, Path.of("w"), Mode.BATCHED, Scheduler.STATIC, 8, 20, 256, 256, 0, 64,
                StopRule.FIXED, 2, null, ModelThread.PLATFORM, Path.of("h.db"), "jdbc:postgresql://h/d", false))
                .hasMessage("give --history-db or --history-url, not both");
    }

    /** {@code flags} with one component replaced. */
    private static ServeFlags with(ServeFlags flags, RecordComponent changed, Object value) throws Exception {
        RecordComponent[] cs = ServeFlags.class.getRecordComponents();
        Object[] values = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) values[i] = cs[i].getName().equals(changed.getName()) ? value : cs[i].getAccessor().invoke(flags);
        Class<?>[] types = Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return ServeFlags.class.getDeclaredConstructor(types).newInstance(values);
    }

    /** A valid value of {@code type} other than {@code current}. */
    private static Object otherValue(Class<?> type, Object current) {
        if (type == int.class) return (Integer) current + 1;
        if (type == long.class) return (Long) current + 1;
        if (type == Integer.class) return current == null ? 2 : (Integer) current + 1;
        if (type == boolean.class) return !(Boolean) current;
        if (type == String.class) return current == null ? "jdbc:postgresql://other/db" : current + ".1";
        if (type == Path.class) return current == null ? Path.of("other") : Path.of("other", current.toString());
        if (type.isEnum())
            return Arrays.stream(type.getEnumConstants()).filter(e -> e != current).findFirst().orElseThrow();
        throw new AssertionError("no other value of " + type + " to try: add one here");
    }
}
