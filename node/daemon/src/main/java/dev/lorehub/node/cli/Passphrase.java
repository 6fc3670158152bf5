package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeException;

import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A backup passphrase: from {@code --passphrase-file} (its first line), else a prompt that does not
 * echo (twice when making a backup), else the first line of standard input.
 */
final class Passphrase {
    private static final int MAX_CHARS = 1024;

    private Passphrase() {
    }

    static char[] read(Path file, boolean confirm) {
        if (file != null) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                return check((nl < 0 ? text : text.substring(0, nl)).replace("\r", "").toCharArray());
            } catch (IOException e) {
                throw new NodeException("Cannot read the passphrase from " + file + ": " + e.getMessage(), NodeException.Reason.USAGE);
            }
        }
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Backup passphrase: ");
            if (confirm) {
                char[] again = console.readPassword("The same passphrase again: ");
                if (first == null || !Arrays.equals(first, again)) {
                    throw new NodeException("The two passphrases differ; nothing was written.", NodeException.Reason.USAGE);
                }
            }
            return check(first);
        }
        StringBuilder line = new StringBuilder();
        try {
            Reader reader = new InputStreamReader(System.in, StandardCharsets.UTF_8);
            int c;
            while ((c = reader.read()) != -1 && c != '\n' && line.length() < MAX_CHARS) {
                line.append((char) c);
            }
        } catch (IOException e) {
            throw new NodeException("Cannot read the passphrase: " + e.getMessage(), NodeException.Reason.USAGE);
        }
        return check(line.toString().replace("\r", "").toCharArray());
    }

    private static char[] check(char[] p) {
        if (p == null || p.length == 0) {
            throw new NodeException("No passphrase given: type one at the prompt, or give --passphrase-file FILE.",
                NodeException.Reason.USAGE);
        }
        if (p.length < dev.lorehub.crypto.PassphraseBox.MIN_PASSPHRASE) {
            throw new NodeException("The passphrase must be at least " + dev.lorehub.crypto.PassphraseBox.MIN_PASSPHRASE
                + " characters long.", NodeException.Reason.USAGE);
        }
        return p;
    }
}
