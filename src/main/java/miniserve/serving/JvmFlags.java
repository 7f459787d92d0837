package miniserve.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The flags every JVM of the project runs with (the launcher's, the tests', the lab's servers', the
 * benchmarks'), read from the one file that holds them: the resource {@value #RESOURCE}, which the
 * launcher script and Maven read as well.
 */
public final class JvmFlags {

    /** Where the flags are, on the class path and under {@code src/main/resources}. */
    public static final String RESOURCE = "/miniserve/jvm.properties";

    /** The flags, in order, e.g. {@code --add-modules=jdk.incubator.vector}. */
    public static final List<String> ALL = read("jvm.flags");

    private JvmFlags() {}

    static List<String> read(String key) {
        Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) throw new IllegalStateException(RESOURCE + " has no " + key);
        return List.of(value.strip().split("\\s+"));
    }
}
