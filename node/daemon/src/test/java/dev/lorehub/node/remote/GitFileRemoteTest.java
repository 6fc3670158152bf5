package dev.lorehub.node.remote;

import dev.lorehub.node.testing.TestNode;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The git backend against a bare repository reached over {@code file://} (JGit in process). */
class GitFileRemoteTest extends RemoteContract {
    Path bare;

    @BeforeEach
    void bareRepository() throws Exception {
        bare = tmp.resolve("team-lore.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    }

    String url() {
        return bare.toUri().toString();
    }

    @Override
    Remote open(TestNode node) {
        return new SegmentRemote("git", new GitSegmentStore(url(), "lorehub-sync", node.dir.resolve("remotes/git.git"),
            CredentialsProvider.getDefault(), 30, node.id()));
    }

    @Override
    void tamper(Devices d, Tamper how) throws Exception {
        String dir = "realms/" + d.realm + "/" + RemoteSync.stream(d.node(0).id()) + "/";
        rewrite(bare, files -> {
            List<String> mine = new ArrayList<>(files.keySet().stream().filter(p -> p.startsWith(dir)).sorted().toList());
            String first = mine.get(0);
            switch (how) {
                case FLIP_BYTE -> {
                    byte[] b = files.get(first).clone();
                    b[b.length / 2] ^= 0x01;
                    files.put(first, b);
                }
                case DELETE_FIRST -> files.remove(first);
                case REPLAY_FIRST -> {
                    Segment.Name n = Segment.Name.parse(first.substring(dir.length()));
                    files.put(dir + new Segment.Name(mine.size() + 1, n.hashHex()), files.get(first));
                }
            }
        });
    }

    /** Rewrites the branch's files by hand, as someone with push access could. */
    static void rewrite(Path bare, Consumer<Map<String, byte[]>> change) throws Exception {
        try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk rw = new RevWalk(repo);
             ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId tip = repo.resolve("refs/heads/lorehub-sync");
            RevCommit commit = rw.parseCommit(tip);
            Map<String, byte[]> files = new TreeMap<>();
            try (TreeWalk w = new TreeWalk(repo)) {
                w.addTree(commit.getTree());
                w.setRecursive(true);
                while (w.next()) {
                    files.put(w.getPathString(), repo.open(w.getObjectId(0)).getBytes());
                }
            }
            change.accept(files);
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(e.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(ins.insert(Constants.OBJ_BLOB, e.getValue()));
                b.add(entry);
            }
            b.finish();
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(dc.writeTree(ins));
            cb.setParentId(tip);
            PersonIdent who = new PersonIdent("mallory", "mallory@example.invalid");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("tampered\n");
            ObjectId id = ins.insert(cb);
            ins.flush();
            RefUpdate u = repo.updateRef("refs/heads/lorehub-sync");
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            assertThat(u.update()).isIn(RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
        }
    }

    /** ssh:// remotes go through JGit's Apache MINA sshd transport (keys and config from ~/.ssh), found at run time. */
    @Test
    void sshTransportIsAvailable() {
        assertThat(org.eclipse.jgit.transport.SshSessionFactory.getInstance().getType()).isEqualTo("mina-sshd");
    }

    @Test
    void aCloneOfTheBranchShowsOnlyCiphertextAndAReadme() throws Exception {
        try (Devices d = devices(2, 30)) {
            d.settle();
            Path clone = tmp.resolve("clone");
            Git.cloneRepository().setURI(url()).setBranch("lorehub-sync").setDirectory(clone.toFile()).call().close();
            List<Path> files;
            try (var walk = Files.walk(clone)) {
                files = walk.filter(Files::isRegularFile).filter(p -> !clone.relativize(p).startsWith(".git")).toList();
            }
            assertThat(files).anyMatch(p -> p.getFileName().toString().equals("README.md"));
            assertThat(Files.readString(clone.resolve("README.md"))).contains("ciphertext only");
            for (Path f : files) {
                if (!f.getFileName().toString().equals("README.md")) {
                    assertThat(f.getFileName().toString()).endsWith(Segment.Name.SUFFIX);
                    String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertThat(raw).doesNotContain("retry budget").doesNotContain("lore number");
                }
            }
            // Packed: 30 lores and the membership events of two devices make one segment, not one file each.
            assertThat(files).hasSizeLessThan(5);
        }
    }
}
