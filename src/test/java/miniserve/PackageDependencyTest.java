package miniserve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import rules of docs/architecture.md, read from the sources: which package of
 * {@code src/main/java/miniserve} may use which. A package uses another when one of its files
 * imports from it ({@code import}, {@code import static}) or names one of its classes fully
 * qualified in code (comments and string literals do not count: the lab names the server's main
 * class as a string, on purpose, because it runs it as another process).
 *
 * <p>Rules: every package is in {@link #ALLOWED} (a new package is placed on purpose), every use
 * is allowed there, the packages form no cycle, and the packages a request passes through never
 * reach training, synthetic data or evaluation code, directly or through another package.
 */
class PackageDependencyTest {

    /** Each package and the packages it may use. Keep in step with the table in docs/architecture.md. */
    static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry("kernels", Set.of()),
            Map.entry("tokenizer", Set.of()),
            Map.entry("language", Set.of()),
            Map.entry("console", Set.of()),
            Map.entry("loadtest", Set.of()),
            Map.entry("serving", Set.of()),
            Map.entry("history", Set.of()),
            Map.entry("model", Set.of("kernels")),
            Map.entry("agent", Set.of("model", "kernels", "tokenizer", "language")),
            Map.entry("server", Set.of("agent", "model", "kernels", "serving", "language", "history")),
            Map.entry("lab", Set.of("loadtest", "tokenizer", "serving", "console")),
            Map.entry("synth", Set.of("language")),
            Map.entry("eval", Set.of("language", "synth")),
            Map.entry("train", Set.of("model", "kernels", "tokenizer", "language", "synth", "console")),
            Map.entry("cli", Set.of("agent", "console", "eval", "history", "kernels", "lab", "language", "loadtest", "model",
                    "server", "serving", "synth", "tokenizer", "train"))));

    /** The packages an HTTP request passes through (see "The path of one request"). */
    static final Set<String> REQUEST_PATH = Set.of("server", "serving", "agent", "model", "tokenizer", "kernels", "language", "history");
    /** Offline code: never on the request path. */
    static final Set<String> OFFLINE = Set.of("train", "synth", "eval");

    private static final Path SOURCES = Path.of("src/main/java/miniserve");

    /** One use of a package by another: where, and what. */
    record Use(String from, String to, Path file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + from + " uses " + to + " (" + text + ")";
        }
    }

    @Test
    void everyPackageIsInTheTable() {
        assertThat(packages(SOURCES)).as("packages under " + SOURCES + " (add a new one to ALLOWED and to docs/architecture.md)")
                .isEqualTo(ALLOWED.keySet());
    }

    @Test
    void everyUseOfAnotherPackageIsAllowed() {
        List<Use> uses = scan(SOURCES);
        assertThat(uses).as("the scan finds the uses").isNotEmpty();
        assertThat(violations(uses, ALLOWED)).as("uses that ALLOWED does not permit").isEmpty();
    }

    @Test
    void thePackagesFormNoCycle() {
        assertThat(cycle(ALLOWED)).as("a cycle in ALLOWED").isEmpty();
        assertThat(cycle(graph(scan(SOURCES)))).as("a cycle in the code").isEmpty();
    }

    @Test
    void theRequestPathNeverReachesTrainingSynthesisOrEvaluation() {
        for (Map<String, Set<String>> g : List.of(ALLOWED, graph(scan(SOURCES)))) {
            for (String p : REQUEST_PATH) {
                Set<String> reached = reachable(g, p);
                reached.retainAll(OFFLINE);
                assertThat(reached).as("offline packages reachable from %s", p).isEmpty();
            }
        }
    }

    /** The checks themselves catch what they are for, on sources made here. */
    @Test
    void theScanFindsImportsAndQualifiedNamesButNotCommentsOrStrings(@TempDir Path dir) throws IOException {
        write(dir, "server/Handler.java", """
                package miniserve.server;

                import miniserve.agent.Correction;
                import miniserve.train.Trainer;
                import static miniserve.eval.Gleu.score;

                /** Unlike miniserve.synth.SyntheticErrors, mentioned here only. */
                class Handler {
                    String main = "miniserve.cli.Main"; // miniserve.lab.LabRunner in a comment
                    char quote = '"';
                    Object t = new miniserve.synth.SyntheticErrors();
                }
                """);
        write(dir, "agent/Correction.java", "package miniserve.agent;\nclass Correction {}\n");
        List<Use> uses = scan(dir);
        assertThat(uses).extracting(u -> u.to() + "@" + u.line())
                .containsExactlyInAnyOrder("agent@3", "train@4", "eval@5", "synth@11");
        assertThat(violations(uses, ALLOWED)).extracting(Use::to).containsExactlyInAnyOrder("train", "eval", "synth");
        assertThat(packages(dir)).containsExactlyInAnyOrder("server", "agent");
    }

    @Test
    void aCycleAndAnIndirectPathToTrainingAreFound() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of());
        assertThat(cycle(g)).containsExactly("a", "b", "c", "a");
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
        Map<String, Set<String>> viaLanguage = Map.of("agent", Set.of("language"), "language", Set.of("synth"), "synth", Set.of());
        assertThat(reachable(viaLanguage, "agent")).containsExactlyInAnyOrder("language", "synth");
    }

    // ------------------------------------------------------------------ the scan

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+miniserve\\.([a-z]+)\\s*;", Pattern.MULTILINE);
    /** An import of, or a qualified name in, a package of the project: miniserve.<package>.<Class or member>. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])miniserve\\s*\\.\\s*([a-z]+)\\s*\\.\\s*[A-Za-z_]");

    /** The project's packages: the directories directly under root. */
    static Set<String> packages(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every use of another package by the Java files under root/&lt;package&gt;/. */
    static List<Use> scan(Path root) {
        List<Use> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String source = Files.readString(f);
                String code = codeOnly(source);
                Matcher pm = PACKAGE.matcher(code);
                if (!pm.find()) throw new AssertionError(f + ": no miniserve package declaration");
                String from = pm.group(1);
                Matcher m = QUALIFIED.matcher(code);
                m.region(pm.end(), code.length());
                while (m.find()) {
                    String to = m.group(1);
                    if (to.equals(from)) continue;
                    int line = lineOf(code, m.start());
                    uses.add(new Use(from, to, f, line, source.lines().skip(line - 1).findFirst().orElse("").strip()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    /** The source with comments, string, text-block and char literals blanked out (line breaks kept). */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int end;
            if (s.startsWith("//", i)) end = indexOrEnd(s, "\n", i);
            else if (s.startsWith("/*", i)) end = indexOrEnd(s, "*/", i + 2) + 2;
            else if (s.startsWith("\"\"\"", i)) end = indexOrEnd(s, "\"\"\"", i + 3) + 3;
            else if (c == '"' || c == '\'') end = literalEnd(s, i, c);
            else {
                out.append(c);
                i++;
                continue;
            }
            end = Math.min(end, n);
            for (int j = i; j < end; j++) out.append(s.charAt(j) == '\n' ? '\n' : ' ');
            i = end;
        }
        return out.toString();
    }

    private static int indexOrEnd(String s, String what, int from) {
        int k = s.indexOf(what, from);
        return k < 0 ? s.length() : k;
    }

    /** The index after a "..." or '...' literal starting at i (backslash escapes honoured). */
    private static int literalEnd(String s, int i, char quote) {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != quote && s.charAt(j) != '\n') j += s.charAt(j) == '\\' ? 2 : 1;
        return j + 1;
    }

    private static int lineOf(String s, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) if (s.charAt(i) == '\n') line++;
        return line;
    }

    // ------------------------------------------------------------------ the rules

    static List<Use> violations(List<Use> uses, Map<String, Set<String>> allowed) {
        return uses.stream().filter(u -> !allowed.getOrDefault(u.from(), Set.of()).contains(u.to())).toList();
    }

    static Map<String, Set<String>> graph(List<Use> uses) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (Use u : uses) g.computeIfAbsent(u.from(), k -> new TreeSet<>()).add(u.to());
        return g;
    }

    static Set<String> reachable(Map<String, Set<String>> g, String start) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(g.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (seen.add(p)) todo.addAll(g.getOrDefault(p, Set.of()));
        }
        return seen;
    }

    /** A cycle of the graph as a path that returns to its start, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> g) {
        Map<String, Integer> state = new TreeMap<>(); // 1: on the current path, 2: done
        for (String start : new TreeSet<>(g.keySet())) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(g, start, state, path);
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> visit(Map<String, Set<String>> g, String p, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return List.of();
        if (s != null) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
            c.add(p);
            return c;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : new TreeSet<>(g.getOrDefault(p, Set.of()))) {
            List<String> c = visit(g, q, state, path);
            if (!c.isEmpty()) return c;
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
        return List.of();
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }
}
