package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Segments on a branch of a git repository (JGit; {@code file://}, {@code git://}, {@code ssh://}
 * and {@code https://} remotes with the user's usual credentials: {@code ~/.ssh} keys and config,
 * {@code ~/.netrc}, git's credential helpers). The branch holds a README and
 * {@code realms/<realm>/<device>/<segment>} files: ciphertext packed a few thousand events per
 * file, so 100k events stay a few dozen files. Each device adds only files under its own
 * directory, so concurrent pushes touch disjoint paths: a rejected push is fetched, rebuilt on the
 * new tip (the trivial merge) and pushed again.
 *
 * <p>A local bare repository (one per remote, in the node's directory) keeps the fetched branch;
 * between rounds a no-change sync costs one ref advertisement.
 */
public final class GitSegmentStore implements SegmentStore {
    /** The README committed on the branch. */
    static final String README = """
        # LoreHub Sync data

        This branch is written by the LoreHub Sync Node (`lorehub-node`). It holds **ciphertext only**:
        sealed, signed events of LoreHub realms, each encrypted under its realm's key, which never
        leaves the devices that share the realm. Nothing here can be read without that key.

        Layout: `realms/<realm id>/<device id>/<sequence>-<sha256>.lhseg`, each file an immutable
        segment of many events written by one device. Devices only ever add files, never change them.

        Do not edit or merge this branch by hand: devices notice changed, removed or moved files and
        refuse them. To stop syncing through this repository, remove the remote from each device
        (`lorehub-node remote remove NAME`) and delete the branch.
        """;
    private static final int MAX_PUSH_ATTEMPTS = 12;
    private static final String TRACKING = "refs/lorehub/tip";

    private final URIish uri;
    private final String branch;
    private final Repository repo;
    private final CredentialsProvider credentials;
    private final int timeoutSeconds;
    private final DeviceId self;
    private final RemoteMetrics metrics = new RemoteMetrics();
    private ObjectId tip; // the fetched branch tip (null: the branch does not exist yet)

    /**
     * @param localDir the local bare repository for this remote (created if missing)
     */
    public GitSegmentStore(String url, String branch, Path localDir, CredentialsProvider credentials, int timeoutSeconds,
                           DeviceId self) {
        try {
            this.uri = new URIish(url);
        } catch (java.net.URISyntaxException e) {
            throw new RemoteException("\"" + url + "\" is not a git URL: " + e.getMessage());
        }
        this.branch = branch;
        this.credentials = credentials;
        this.timeoutSeconds = timeoutSeconds;
        this.self = self;
        try {
            Files.createDirectories(localDir.getParent());
            this.repo = new FileRepositoryBuilder().setGitDir(localDir.toFile()).setBare().build();
            if (!Files.exists(localDir.resolve("HEAD"))) {
                repo.create(true);
                // Segments are ciphertext: zlib cannot shrink them, so spend as little time trying as git allows.
                org.eclipse.jgit.lib.StoredConfig config = repo.getConfig();
                config.setInt("core", null, "compression", 1);
                config.setInt("core", null, "looseCompression", 1);
                config.setInt("pack", null, "compression", 1);
                config.save();
            }
            Ref t = repo.exactRef(TRACKING);
            this.tip = t == null ? null : t.getObjectId();
        } catch (IOException e) {
            throw new RemoteException("Cannot open the local copy of " + url + " in " + localDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return uri.toString() + " (branch " + branch + ")";
    }

    private String remoteRef() {
        return Constants.R_HEADS + branch;
    }

    private Transport open() throws IOException {
        Transport t = Transport.open(repo, uri);
        // No delta search either: two ciphertexts never share a delta.
        org.eclipse.jgit.storage.pack.PackConfig pack = new org.eclipse.jgit.storage.pack.PackConfig(repo);
        pack.setDeltaCompress(false);
        t.setPackConfig(pack);
        t.setCredentialsProvider(credentials);
        t.setTimeout(timeoutSeconds);
        return t;
    }

    @Override
    public void refresh() {
        try (Transport t = open(); FetchConnection fc = t.openFetch()) {
            Ref advertised = fc.getRef(remoteRef());
            metrics.request(0, 0);
            if (advertised == null || advertised.getObjectId() == null) {
                tip = null;
                return;
            }
            ObjectId id = advertised.getObjectId();
            if (!id.equals(tip) && !repo.getObjectDatabase().has(id)) {
                fc.fetch(NullProgressMonitor.INSTANCE, List.of(advertised), Set.of());
                metrics.request(0, 0);
            }
            setTracking(id);
        } catch (IOException e) {
            throw new RemoteException("Cannot fetch " + describe() + ": " + e.getMessage()
                + ". Check the URL and that your git credentials give access (try `git ls-remote " + uri + "`).", e);
        }
    }

    private void setTracking(ObjectId id) throws IOException {
        RefUpdate u = repo.updateRef(TRACKING);
        u.setNewObjectId(id);
        u.setForceUpdate(true);
        u.disableRefLog();
        RefUpdate.Result r = u.update();
        if (r == RefUpdate.Result.LOCK_FAILURE || r == RefUpdate.Result.IO_FAILURE || r == RefUpdate.Result.REJECTED) {
            throw new IOException("cannot update " + TRACKING + " in the local copy: " + r);
        }
        tip = id;
    }

    /** The tree id of the fetched tip, or null. */
    private ObjectId tree() throws IOException {
        if (tip == null) {
            return null;
        }
        try (RevWalk rw = new RevWalk(repo)) {
            return rw.parseCommit(tip).getTree().getId();
        }
    }

    /** Names of the entries directly inside {@code dir} of the tip tree (empty when absent). */
    private List<String> entries(String dir, boolean trees) {
        try {
            ObjectId tree = tree();
            List<String> out = new ArrayList<>();
            if (tree == null) {
                return out;
            }
            try (ObjectReader reader = repo.newObjectReader(); TreeWalk at = TreeWalk.forPath(reader, dir, tree)) {
                if (at == null || !at.isSubtree()) {
                    return out;
                }
                try (TreeWalk walk = new TreeWalk(reader)) {
                    walk.addTree(at.getObjectId(0));
                    walk.setRecursive(false);
                    while (walk.next()) {
                        if (walk.isSubtree() == trees) {
                            out.add(walk.getNameString());
                        }
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new RemoteException("Cannot read the local copy of " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<DeviceId> writers(RealmId realm) {
        List<DeviceId> out = new ArrayList<>();
        for (String name : entries("realms/" + realm, true)) {
            if (name.length() == 64) {
                try {
                    out.add(DeviceId.fromBytes(java.util.HexFormat.of().parseHex(name)));
                } catch (IllegalArgumentException e) {
                    // not a device directory: ignored, never trusted
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<Segment.Name> list(RealmId realm, DeviceId writer, long afterSeq, int max) {
        List<Segment.Name> out = new ArrayList<>();
        for (String file : entries("realms/" + realm + "/" + RemoteSync.stream(writer), false)) {
            Segment.Name n = Segment.Name.parse(file);
            if (n != null && n.seq() > afterSeq) {
                out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public byte[] read(RealmId realm, DeviceId writer, Segment.Name name, int maxBytes) {
        String path = SegmentStore.path(realm, writer, name);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk at = TreeWalk.forPath(reader, path, tree())) {
            if (at == null) {
                throw new RemoteIntegrityException(Reason.MISSING, path, "listed but absent");
            }
            ObjectLoader loader = reader.open(at.getObjectId(0));
            if (loader.getSize() > maxBytes) {
                throw new RemoteIntegrityException(Reason.OVERSIZED, path, loader.getSize() + " bytes exceeds " + maxBytes);
            }
            return loader.getBytes(maxBytes);
        } catch (MissingObjectException e) {
            throw new RemoteIntegrityException(Reason.MISSING, path, "its object is missing from the repository");
        } catch (IOException e) {
            throw new RemoteException("Cannot read " + path + " from the local copy of " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<Segment> segments) {
        for (int attempt = 1; ; attempt++) {
            try {
                ObjectId commit = commitOnTip(segments);
                if (commit == null) {
                    return; // every segment is already on the branch (a push redone after a crash)
                }
                RemoteRefUpdate update = new RemoteRefUpdate(repo, commit.name(), remoteRef(), false, null,
                    tip == null ? ObjectId.zeroId() : tip);
                PushResult result;
                try (Transport t = open()) {
                    result = t.push(NullProgressMonitor.INSTANCE, List.of(update));
                }
                metrics.request(segments.stream().mapToLong(s -> s.bytes().length).sum(), 0);
                RemoteRefUpdate.Status status = result.getRemoteUpdate(remoteRef()).getStatus();
                if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
                    setTracking(commit);
                    return;
                }
                String message = result.getRemoteUpdate(remoteRef()).getMessage();
                // Another device may have pushed first: servers say so in different words (non-fast-forward,
                // "failed to update ref", "failed to lock"). Fetch: if the branch moved, rebuild our commit
                // on the new tip (paths are disjoint, so that is the whole merge) and try again.
                ObjectId before = tip;
                pause(attempt);
                refresh();
                boolean moved = !java.util.Objects.equals(before, tip);
                if (!moved || attempt >= MAX_PUSH_ATTEMPTS) {
                    throw new RemoteException("The push to " + describe() + " was refused (" + status
                        + (message == null ? "" : ": " + message) + ")" + (moved ? " after " + attempt + " attempts" : "")
                        + ". Check that you may push to branch " + branch + ".");
                }
            } catch (IOException e) {
                throw new RemoteException("Cannot push to " + describe() + ": " + e.getMessage(), e);
            }
        }
    }

    /** A short random pause that grows with the attempt, so two devices racing do not keep colliding. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * Math.min(attempt, 10) + 6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException("interrupted while pushing");
        }
    }

    /** A commit adding the segments (and the README) to the tip's tree; null if nothing is new. */
    private ObjectId commitOnTip(List<Segment> segments) throws IOException {
        ObjectId tree = tree();
        try (ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader()) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            if (tree != null) {
                b.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, tree);
            }
            int added = 0;
            List<String> paths = new ArrayList<>();
            if (tree == null || TreeWalk.forPath(reader, "README.md", tree) == null) {
                b.add(entry("README.md", ins.insert(Constants.OBJ_BLOB, README.getBytes(StandardCharsets.UTF_8))));
            }
            for (Segment s : segments) {
                String path = SegmentStore.path(s.realm(), s.writer(), s.name());
                if ((tree != null && TreeWalk.forPath(reader, path, tree) != null) || paths.contains(path)) {
                    continue;
                }
                paths.add(path);
                b.add(entry(path, ins.insert(Constants.OBJ_BLOB, s.bytes())));
                added++;
            }
            if (added == 0) {
                return null;
            }
            b.finish();
            ObjectId newTree = dc.writeTree(ins);
            PersonIdent who = new PersonIdent("LoreHub Sync", "lorehub-sync@" + self.shortForm().toLowerCase() + ".invalid",
                Instant.now(), ZoneOffset.UTC);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(newTree);
            if (tip != null) {
                cb.setParentId(tip);
            }
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("lorehub-sync: " + added + " segment(s) from device " + self.shortForm() + "\n");
            ObjectId commit = ins.insert(cb);
            ins.flush();
            return commit;
        }
    }

    private static DirCacheEntry entry(String path, ObjectId blob) {
        DirCacheEntry e = new DirCacheEntry(path);
        e.setFileMode(FileMode.REGULAR_FILE);
        e.setObjectId(blob);
        return e;
    }

    @Override
    public RemoteMetrics metrics() {
        return metrics;
    }

    /** The fetched tip (tests). */
    RevCommit tipCommit() throws IOException {
        try (RevWalk rw = new RevWalk(repo)) {
            return tip == null ? null : rw.parseCommit(tip);
        }
    }

    @Override
    public void close() {
        repo.close();
    }
}
