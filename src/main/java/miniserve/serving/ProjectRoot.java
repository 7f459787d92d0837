package miniserve.serving;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The directory of the project's own files ({@code weights/}, {@code data/}, {@code experiments/}), so that
 * a default such as {@code weights} names the project's weights from whatever directory a command runs in.
 * Only defaults are resolved here: a relative path the user gives still means one in the working directory.
 *
 * <p>The root is the system property {@value #PROPERTY} (the launcher sets it); else, when the classes come
 * from a checkout's {@code target/miniserve.jar} or {@code target/classes} ({@code java -jar}, the tests),
 * the directory above {@code target/}; else there is none and defaults are relative to the working directory.
 */
public final class ProjectRoot {

    /** The system property naming the root. */
    public static final String PROPERTY = "miniserve.root";

    private static final Path ROOT = find();

    private ProjectRoot() {}

    /**
     * {@code relative} inside the project: a default path of the command line or a file the project ships.
     * Stays as it is when absolute, when there is no root, or when the root is the working directory
     * (so that messages keep the short form).
     */
    public static Path resolve(String relative) {
        return resolve(Path.of(relative));
    }

    /** {@link #resolve(String)} for a path. */
    public static Path resolve(Path relative) {
        if (ROOT == null || relative.isAbsolute() || ROOT.equals(Path.of("").toAbsolutePath())) return relative;
        return ROOT.resolve(relative);
    }

    /** The root, or the working directory when there is none. */
    public static Path directory() {
        return ROOT != null ? ROOT : Path.of("").toAbsolutePath();
    }

    private static Path find() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) return Path.of(property).toAbsolutePath().normalize();
        CodeSource source = ProjectRoot.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) return null;
        try {
            Path classes = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            Path target = classes.getParent();
            if (target == null || !target.getFileName().toString().equals("target")) return null;
            Path root = target.getParent();
            return root != null && Files.isRegularFile(root.resolve("pom.xml")) ? root : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null; // not a file: no checkout to find
        }
    }
}
