package dev.lorehub.crypto.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Secret files: readable and writable by their owner only (0600 on POSIX), replaced atomically.
 * On file systems without POSIX permissions (Windows) the permission check is skipped: the file
 * then inherits the ACL of its directory, which the user profile already restricts.
 */
public final class OwnerOnlyFile {
    private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private OwnerOnlyFile() {
    }

    /** What went wrong, for the caller to wrap into its own typed exception with the file name and the fix. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        public final Kind kind;

        public Problem(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }
    }

    public enum Kind { MISSING, TOO_OPEN, TOO_LARGE, UNREADABLE }

    /**
     * Reads the whole file after checking that only its owner may access it.
     *
     * @param maxBytes the file is refused (before reading) if larger
     */
    public static byte[] read(Path file, int maxBytes) throws Problem {
        try {
            if (!Files.exists(file)) {
                throw new Problem(Kind.MISSING, "does not exist", null);
            }
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> perms = view.readAttributes().permissions();
                if (!OWNER_RWX.containsAll(perms)) {
                    throw new Problem(Kind.TOO_OPEN, "is accessible by other users (permissions "
                        + PosixFilePermissions.toString(perms) + ")", null);
                }
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new Problem(Kind.TOO_LARGE, "is " + size + " bytes, larger than any valid file of this kind (" + maxBytes + ")", null);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Problem(Kind.MISSING, "does not exist", e);
        } catch (IOException e) {
            throw new Problem(Kind.UNREADABLE, "cannot be read: " + e, e);
        }
    }

    /**
     * Replaces {@code file} with {@code content}: writes {@code <name>.tmp} (created 0600), forces it
     * to disk, renames it over the file atomically, then forces the directory, so a crash leaves
     * either the old or the new file, never a torn one. Missing parent directories are created 0700.
     */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        boolean posix = Files.getFileAttributeView(dir != null && Files.exists(dir) ? dir : abs.getRoot(), PosixFileAttributeView.class) != null;
        if (dir != null && !Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(EnumSet.of(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            } else {
                Files.createDirectories(dir);
            }
        }
        // A fixed temporary name (not a random one): nothing here may draw on an unseeded random
        // source, and a leftover from a crash is simply replaced.
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        FileAttribute<?>[] attrs = posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
            : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
            if (posix) {
                Files.setPosixFilePermissions(tmp, OWNER_RW); // in case a umask took more than group/other
            }
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + tmp + " at the same time", e);
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
        if (dir != null && posix) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // make the rename durable
            } catch (IOException ignored) {
                // Some file systems cannot open or sync a directory; the rename is still atomic.
            }
        }
    }
}
