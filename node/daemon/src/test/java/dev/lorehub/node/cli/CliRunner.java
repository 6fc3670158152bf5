package dev.lorehub.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the CLI in-process through {@link Main#run} against one data directory, capturing what it
 * prints. The commands print with {@code System.out}/{@code System.err} (and picocli's writers wrap
 * them when each run builds its {@code CommandLine}), so both streams are swapped for the run.
 */
final class CliRunner {
    private final Path dataDir;

    CliRunner(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** What one command did. */
    record Result(int exit, String out, String err) {
        /** Both streams, for messages that may go to either. */
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * Runs {@code command} (its words, e.g. "lore add") with {@code --data-dir} after it, then
     * {@code args}.
     */
    Result run(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        argv.add("--data-dir");
        argv.add(dataDir.toString());
        argv.addAll(List.of(args));
        return raw(argv.toArray(String[]::new));
    }

    /** Runs exactly {@code argv}. */
    static synchronized Result raw(String... argv) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(argv);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
