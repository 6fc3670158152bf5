package dev.lorehub.node.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (systemctl, launchctl) and reports how it went; tests pass a recording fake. */
@FunctionalInterface
public interface CommandRunner {
    /** How a command ended: exit code (127: not installed) and its output, stdout and stderr together. */
    record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    Result run(List<String> command);

    /** Runs real processes, each for at most 30 s. */
    static CommandRunner system() {
        return command -> {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(124, "timed out");
                }
                return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                return new Result(127, command.get(0) + " is not available: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(130, "interrupted");
            }
        };
    }
}
