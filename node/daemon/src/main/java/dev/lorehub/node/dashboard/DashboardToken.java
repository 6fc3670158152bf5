package dev.lorehub.node.dashboard;

import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The dashboard's secret: 256 random bits in {@code node/dashboard.token}, readable by the owner
 * only (0600), made on the first start and kept, so a bookmarked URL keeps working. Whoever holds
 * it can open the dashboard and act through it; another local user cannot read it.
 */
public final class DashboardToken {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String value;

    private DashboardToken(String value) {
        this.value = value;
    }

    /** The token file of a data directory. */
    public static Path file(NodeHome home) {
        return home.nodeDir().resolve("dashboard.token");
    }

    /** Reads the token, making it (0600) if there is none. */
    public static DashboardToken loadOrCreate(NodeHome home, SecureRandom random) {
        Path file = file(home);
        Optional<DashboardToken> existing = read(home);
        if (existing.isPresent()) {
            restrict(file);
            return existing.get();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            Files.deleteIfExists(file); // malformed: replace it
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, value + "\n");
        } catch (FileAlreadyExistsException e) {
            return read(home).orElseThrow(() -> new NodeException("Another process is writing " + file + "; try again.",
                NodeException.Reason.STATE));
        } catch (IOException e) {
            throw new NodeException("Cannot write the dashboard token " + file + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
        return new DashboardToken(value);
    }

    /** The token, if the file exists and holds one. */
    public static Optional<DashboardToken> read(NodeHome home) {
        try {
            String text = Files.readString(file(home)).strip();
            return SHAPE.matcher(text).matches() ? Optional.of(new DashboardToken(text)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new NodeException("Cannot read the dashboard token " + file(home) + ": " + e.getMessage(),
                NodeException.Reason.STATE);
        }
    }

    private static void restrict(Path file) {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the node directory's own protection applies
        }
    }

    public String value() {
        return value;
    }

    /** Constant-time comparison (no timing hint about how much of a guess was right). */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "DashboardToken[hidden]";
    }
}
