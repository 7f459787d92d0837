package miniserve.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) handled by the program instead of the JVM's shutdown, which would end the
 * process with status 128 + the signal's number whatever the program did: {@code serve} drains and then
 * exits 0, and the {@code java -jar} parent passes them on to its child and exits with the child's status.
 *
 * <p>{@code sun.misc.Signal} is one of the critical internal APIs that JEP 260 keeps open (module
 * {@code jdk.unsupported}) for this purpose; the JDK offers no other way to handle a signal.
 */
final class Signals {

    private Signals() {}

    /**
     * Runs {@code action} on each SIGTERM and SIGINT (on a thread of the JVM's signal dispatcher).
     *
     * A signal ignored when the process started (a background job's SIGINT) stays ignored.
     *
     * @return false if the JVM keeps either signal for itself (run with {@code -Xrs}); its default then applies
     */
    static boolean onStop(Runnable action) {
        boolean all = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                all = false;
            }
        }
        return all;
    }
}
