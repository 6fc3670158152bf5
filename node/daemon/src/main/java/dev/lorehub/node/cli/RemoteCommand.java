package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code remote}: the remotes this device syncs through ({@code backends} in node.json). */
@Command(name = "remote", description = "Add, list and remove remotes: a git branch, an S3/GCS bucket or a PostgreSQL hub "
    + "that stores ciphertext only, so devices that never meet stay in sync.",
    subcommands = {RemoteCommand.Add.class, RemoteCommand.ListRemotes.class, RemoteCommand.Remove.class})
final class RemoteCommand {
    private static final ObjectMapper JSON = Json.MAPPER;

    /** node.json as a tree (empty when absent), keeping every key this command does not touch. */
    static ObjectNode readConfig(Path file) {
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n == null || !n.isObject()) {
                throw new NodeConfig.ConfigException(file + " must hold a JSON object");
            }
            return (ObjectNode) n;
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        } catch (IOException e) {
            throw new NodeConfig.ConfigException("Cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Writes node.json after checking that it still parses (atomically: a crash leaves the old file). */
    static void writeConfig(Path file, ObjectNode config) {
        String text;
        try {
            text = Json.PRETTY.writeValueAsString(config) + "\n";
        } catch (IOException e) {
            throw new NodeException("Cannot encode the configuration: " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
        NodeConfig.parse(text, file.toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NodeException("Cannot write " + file + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
    }

    @Command(name = "add", description = "Add a remote. Examples:%n"
        + "  remote add team --type git --remote ssh://git@example.com/team/lore.git%n"
        + "  remote add origin --type git --remote origin --repository ~/code/api%n"
        + "  remote add bucket --type s3 --bucket team-lorehub --region eu-west-1%n"
        + "  remote add minio --type s3 --bucket lore --endpoint http://127.0.0.1:9000 --path-style%n"
        + "  remote add phone --type s3 --bucket team-lorehub --metered%n"
        + "  remote add hub --type postgres --url jdbc:postgresql://db/lorehub --user ann --password-env LOREHUB_PG_PASSWORD")
    static final class Add implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", paramLabel = "NAME", description = "What to call it (letters, digits, . _ -)")
        String name;

        @Option(names = "--type", required = true, description = "git, s3, gcs or postgres")
        String type;

        @Option(names = "--remote", paramLabel = "URL|NAME", description = "git: a URL (ssh://, https://, file://, git://, "
            + "user@host:path) or the name of a remote of --repository")
        String remote;

        @Option(names = "--branch", description = "git: the branch to use (default: lorehub-sync)")
        String branch;

        @Option(names = "--repository", paramLabel = "DIR", description = "git: the repository whose remote --remote names "
            + "(default: the current directory's, when --remote is a name)")
        Path repository;

        @Option(names = "--bucket", description = "s3/gcs: the bucket")
        String bucket;

        @Option(names = "--region", description = "s3: the region (default: us-east-1)")
        String region;

        @Option(names = "--endpoint", paramLabel = "URL", description = "s3: an S3-compatible service's URL (MinIO ...)")
        String endpoint;

        @Option(names = "--path-style", description = "s3: address the bucket in the path (MinIO and most self-hosted services)")
        Boolean pathStyle;

        @Option(names = "--prefix", description = "s3/gcs: key prefix inside the bucket (default: lorehub/)")
        String prefix;

        @Option(names = "--profile", description = "s3: the AWS profile to take credentials from")
        String profile;

        @Option(names = "--url", paramLabel = "JDBC_URL", description = "postgres: jdbc:postgresql://host[:port]/database")
        String url;

        @Option(names = "--user", description = "postgres: the database user")
        String user;

        @Option(names = "--password-env", paramLabel = "VAR", description = "postgres: environment variable holding the password "
            + "(else ~/.pgpass)")
        String passwordEnv;

        @Option(names = "--interval", paramLabel = "SECONDS", description = "seconds between rounds: rounds come every "
            + "interval/4 while edits flow, up to 8 intervals apart while idle (default: 60)")
        Integer interval;

        @Option(names = "--metered", description = "a metered or slow link: local changes wait for the interval and go out "
            + "together, idle rounds come up to 32 intervals apart")
        boolean metered;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            ObjectNode entry = JSON.createObjectNode();
            switch (type) {
                case "git" -> {
                    entry.put("type", "git").put("remote", require(remote, "--remote"));
                    if (branch != null) {
                        entry.put("branch", branch);
                    }
                    Path repo = repository != null ? repository : HomeOption.cwd();
                    if (repository != null || !new BackendConfig.Git(name, remote, "x", null, 60).remoteIsUrl()) {
                        entry.put("repository", repo.toAbsolutePath().normalize().toString());
                    }
                }
                case "s3", "gcs" -> {
                    entry.put("type", "cloud").put("provider", type).put("bucket", require(bucket, "--bucket"));
                    putIf(entry, "region", region);
                    putIf(entry, "endpoint", endpoint);
                    if (pathStyle != null) {
                        entry.put("pathStyle", pathStyle);
                    }
                    putIf(entry, "prefix", prefix);
                    putIf(entry, "profile", profile);
                }
                case "postgres" -> {
                    entry.put("type", "postgres").put("url", require(url, "--url"));
                    putIf(entry, "user", user);
                    putIf(entry, "passwordEnv", passwordEnv);
                }
                default -> throw new NodeException("--type must be git, s3, gcs or postgres, got '" + type + "'", NodeException.Reason.USAGE);
            }
            entry.put("name", name);
            if (interval != null) {
                entry.put("interval", interval);
            }
            if (metered) {
                entry.put("metered", true);
            }
            ObjectNode config = readConfig(h.config());
            ArrayNode backends = config.has("backends") && config.get("backends").isArray() ? (ArrayNode) config.get("backends")
                : config.putArray("backends");
            for (JsonNode b : backends) {
                if (name.equals(b.path("name").asText(null))) {
                    throw new NodeException("A remote named " + name + " exists already: `lorehub-node remote remove " + name
                        + "` first, or pick another name.", NodeException.Reason.REFUSED);
                }
            }
            backends.add(entry);
            try {
                writeConfig(h.config(), config);
            } catch (NodeConfig.ConfigException e) {
                throw new NodeException("Not added: " + e.getMessage(), NodeException.Reason.USAGE);
            }
            System.out.println("Added remote " + name + " to " + h.config() + ". Sync through it with `lorehub-node sync now "
                + name + "`.");
            return 0;
        }

        private static String require(String value, String option) {
            if (value == null) {
                throw new NodeException("This type of remote needs " + option + ".", NodeException.Reason.USAGE);
            }
            return value;
        }

        private static void putIf(ObjectNode n, String key, String value) {
            if (value != null) {
                n.put(key, value);
            }
        }
    }

    @Command(name = "list", description = "List the remotes, with the last push and pull, what is queued and the last error.")
    static final class ListRemotes implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Option(names = "--json", description = "Print JSON instead of text")
        boolean json;

        @Override
        public Integer call() throws Exception {
            NodeHome h = home.home();
            List<BackendConfig> backends = home.config().backends();
            ArrayNode out = JSON.createArrayNode();
            RemoteState state = java.nio.file.Files.exists(h.database()) ? RemoteState.open(h.database()) : null;
            try {
                for (BackendConfig b : backends) {
                    ObjectNode n = out.addObject();
                    n.put("name", b.name());
                    n.set("config", b.toJson());
                    if (state != null) {
                        RemoteState.Status s = state.status(b.name());
                        n.put("lastPush", s.lastPush() == null ? null : Instant.ofEpochMilli(s.lastPush()).toString());
                        n.put("lastPull", s.lastPull() == null ? null : Instant.ofEpochMilli(s.lastPull()).toString());
                        n.put("queuedSegments", state.outboxSize(b.name()));
                        n.put("waitingEvents", state.parkedCount(b.name()));
                        n.put("failures", s.failures());
                        n.put("lastError", s.lastError());
                    }
                }
            } finally {
                if (state != null) {
                    state.close();
                }
            }
            if (json) {
                JsonOutput.print(out);
                return 0;
            }
            if (out.isEmpty()) {
                System.out.println("No remotes: add one with `lorehub-node remote add NAME --type git|s3|gcs|postgres ...`.");
                return 0;
            }
            for (JsonNode n : out) {
                JsonNode c = n.get("config");
                String where = switch (c.get("type").asText()) {
                    case "git" -> c.get("remote").asText() + " (branch " + c.get("branch").asText() + ")";
                    case "cloud" -> c.get("provider").asText() + "://" + c.get("bucket").asText() + "/" + c.path("prefix").asText()
                        + (c.has("endpoint") ? " at " + c.get("endpoint").asText() : "");
                    default -> c.get("url").asText();
                };
                System.out.printf("%-16s %-8s %s%s%n", n.get("name").asText(), c.get("type").asText(), where,
                    c.path("metered").asBoolean(false) ? " (metered)" : "");
                if (n.has("lastPush")) {
                    System.out.printf("%16s last push %s, last pull %s, %d segment(s) queued%s%n", "",
                        n.get("lastPush").isNull() ? "never" : n.get("lastPush").asText(),
                        n.get("lastPull").isNull() ? "never" : n.get("lastPull").asText(), n.get("queuedSegments").asInt(),
                        n.get("lastError").isNull() ? "" : "; last error: " + n.get("lastError").asText());
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Stop syncing through a remote (what it stores is left in place).")
    static final class Remove implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            ObjectNode config = readConfig(h.config());
            JsonNode backends = config.get("backends");
            boolean found = false;
            if (backends != null && backends.isArray()) {
                for (int i = 0; i < backends.size(); i++) {
                    JsonNode b = backends.get(i);
                    String n;
                    try {
                        n = BackendConfig.parse(b, "backends[" + i + "]").name();
                    } catch (IllegalArgumentException e) {
                        n = b.path("name").asText(null);
                    }
                    if (name.equals(n)) {
                        ((ArrayNode) backends).remove(i);
                        found = true;
                        break;
                    }
                }
            }
            if (!found) {
                throw new NodeException("There is no remote named " + name + ": see `lorehub-node remote list`.",
                    NodeException.Reason.REFUSED);
            }
            writeConfig(h.config(), config);
            if (Files.exists(h.database())) {
                try (RemoteState state = RemoteState.open(h.database())) {
                    state.forget(name);
                }
            }
            System.out.println("Removed remote " + name + ". Its contents are left where they are; devices that still use it "
                + "keep syncing through it.");
            return 0;
        }
    }
}
