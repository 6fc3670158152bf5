package dev.lorehub.node.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Makes the launcher's class-data sharing archive serve every quick command, whichever command
 * recorded it. The launcher records the archive during the first real command a user runs (for
 * most, {@code init}), and the JVM archives only the classes that run loaded: an archive recorded
 * by {@code init} left about 350 of {@code status}'s classes to be loaded from the jar on every
 * later run. So the recording run (the launcher sets {@value #PROPERTY}) also loads, without
 * initialising them, the classes the quick commands load that the JDK's own archive lacks, listed
 * in {@value #LIST}.
 *
 * <p>The list is checked by {@code ReadOnlyFootprintIT}, which runs the quick commands, compares
 * what they load with it and, when a change made it stale, writes the new list to copy over.
 */
final class ClassArchiveTraining {
    /** The system property the launcher sets on the run that records the archive. */
    static final String PROPERTY = "lorehub.cds.record";
    /** The class list, one binary name per line. */
    static final String LIST = "/META-INF/lorehub-node/quick-command-classes.txt";

    private ClassArchiveTraining() {
    }

    /** When this run records the archive, loads the listed classes; returns how many loaded. */
    static int loadIfRecording() {
        return Boolean.getBoolean(PROPERTY) ? loadListed() : 0;
    }

    /**
     * Loads each listed class without initialising it; a name this JDK or build does not have is
     * skipped (the archive is only an optimisation, so nothing here may fail the command).
     */
    static int loadListed() {
        ClassLoader loader = ClassArchiveTraining.class.getClassLoader();
        int loaded = 0;
        try (InputStream in = ClassArchiveTraining.class.getResourceAsStream(LIST)) {
            if (in == null) {
                return 0;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String name = lines.readLine(); name != null; name = lines.readLine()) {
                if (name.isBlank()) {
                    continue;
                }
                try {
                    Class.forName(name.strip(), false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // not in this JDK or build: the archive simply lacks it
                }
            }
        } catch (IOException e) {
            // the jar itself is unreadable: the command already ran, and the archive is only an optimisation
        }
        return loaded;
    }
}
