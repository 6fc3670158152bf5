package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ChainingCredentialsProvider;
import org.eclipse.jgit.transport.NetRCCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/** Opens the {@link Remote} a {@link BackendConfig} describes. */
public final class Remotes {
    /** Network timeout for one request. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Remotes() {
    }

    /**
     * Opens a remote for this device.
     *
     * @param nodeDir the node's directory (git keeps its local copy under {@code remotes/})
     * @param env     the environment (credentials named by the configuration are read from it)
     * @throws RemoteException saying what is wrong with the configuration or environment
     */
    public static Remote open(BackendConfig config, Path nodeDir, DeviceId self, Map<String, String> env) {
        if (config instanceof BackendConfig.Git g) {
            return new SegmentRemote(g.name(), new GitSegmentStore(gitUrl(g), g.branch(),
                nodeDir.resolve("remotes").resolve(g.name() + ".git"),
                new ChainingCredentialsProvider(new NetRCCredentialsProvider(), new GitCredentialHelper()),
                (int) TIMEOUT.toSeconds(), self));
        }
        if (config instanceof BackendConfig.Cloud c) {
            return new SegmentRemote(c.name(), new S3SegmentStore(c.bucket(), c.region(),
                c.endpoint() == null ? null : URI.create(c.endpoint()), c.pathStyle(), c.prefix(), awsCredentials(c, env), TIMEOUT));
        }
        BackendConfig.Postgres p = (BackendConfig.Postgres) config;
        return new PostgresRemote(p.name(), p.url(), postgresProperties(p, env), self);
    }

    /** The URL of a git backend: its {@code remote} if that is a URL, else that remote's URL in {@code repository}. */
    static String gitUrl(BackendConfig.Git g) {
        if (g.remoteIsUrl()) {
            return g.remote();
        }
        if (g.repository() == null) {
            throw new RemoteException("Backend " + g.name() + ": \"" + g.remote() + "\" is not a URL, and no \"repository\" "
                + "says whose git remote it is. Give the URL, or the repository's directory as \"repository\".");
        }
        try (Repository repo = new FileRepositoryBuilder().findGitDir(Path.of(g.repository()).toFile()).setMustExist(true).build()) {
            String url = repo.getConfig().getString("remote", g.remote(), "url");
            if (url == null) {
                throw new RemoteException("Backend " + g.name() + ": the git repository at " + g.repository()
                    + " has no remote named \"" + g.remote() + "\" (see `git remote -v` there).");
            }
            return url;
        } catch (IOException | IllegalArgumentException e) {
            throw new RemoteException("Backend " + g.name() + ": " + g.repository() + " is not a git repository: " + e.getMessage());
        }
    }

    static AwsCredentialsProvider awsCredentials(BackendConfig.Cloud c, Map<String, String> env) {
        if (c.accessKeyIdEnv() != null) {
            String id = env.get(c.accessKeyIdEnv());
            String secret = env.get(c.secretAccessKeyEnv());
            if (id == null || secret == null) {
                throw new RemoteException("Backend " + c.name() + ": set the environment variables " + c.accessKeyIdEnv()
                    + " and " + c.secretAccessKeyEnv() + " (named by accessKeyIdEnv and secretAccessKeyEnv in node.json).");
            }
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        }
        if (c.profile() != null) {
            return ProfileCredentialsProvider.create(c.profile());
        }
        return DefaultCredentialsProvider.builder().build();
    }

    static Properties postgresProperties(BackendConfig.Postgres p, Map<String, String> env) {
        Properties props = new Properties();
        if (p.user() != null) {
            props.setProperty("user", p.user());
        }
        if (p.passwordEnv() != null) {
            String password = env.get(p.passwordEnv());
            if (password == null) {
                throw new RemoteException("Backend " + p.name() + ": set the environment variable " + p.passwordEnv()
                    + " to the database password (named by passwordEnv in node.json).");
            }
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", String.valueOf(TIMEOUT.toSeconds()));
        props.setProperty("socketTimeout", String.valueOf(TIMEOUT.toSeconds() * 4));
        props.setProperty("ApplicationName", "lorehub-node");
        return props;
    }
}
