package dev.lorehub.node.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lorehub.node.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of {@code backends} in node.json: a remote this device syncs through, shaped as in
 * LoreHub's own configuration. Parsed strictly: an unknown key, a missing required key or a wrong
 * type is an error naming the key ({@code backends[1].bucket}).
 *
 * <pre>{@code
 * "backends": [
 *   {"type": "git", "remote": "origin", "branch": "lorehub-sync", "repository": "/home/ann/api"},
 *   {"type": "git", "name": "team", "remote": "ssh://git@example.com/team/lore.git"},
 *   {"type": "cloud", "provider": "s3", "bucket": "team-lorehub", "region": "us-east-1",
 *    "endpoint": "https://minio.example.com", "pathStyle": true},
 *   {"type": "cloud", "provider": "gcs", "bucket": "team-lorehub"},
 *   {"type": "postgres", "url": "jdbc:postgresql://db.example.com/lorehub", "user": "ann", "passwordEnv": "LOREHUB_PG_PASSWORD"}
 * ]
 * }</pre>
 * Every entry also takes {@code name} (what {@code remote} and {@code sync now} call it; default
 * from its type and target), {@code interval} (the base of its {@link Schedule}, in seconds, default
 * 60) and {@code metered} (true for a metered or slow link: fewer, larger rounds; default false).
 * Secrets never go in the file: credentials come from the usual places (git's credential helpers,
 * ~/.ssh, ~/.netrc; the AWS chain or the environment variables named; ~/.pgpass or the environment
 * variable named).
 */
public sealed interface BackendConfig {
    /** The name remotes are known by (positions are kept per name). */
    String name();

    /** Seconds between rounds: the base of the adaptive {@link Schedule}. */
    int interval();

    /** A metered or slow link: local changes wait for the interval and idle gaps grow further (see {@link Schedule}). */
    boolean metered();

    /** The entry as it is written in node.json. */
    ObjectNode toJson();

    /** A git repository's branch. {@code remote} is a URL, or the name of a remote of {@code repository}. */
    record Git(String name, String remote, String branch, String repository, int interval, boolean metered)
        implements BackendConfig {
        /** An unmetered git backend. */
        public Git(String name, String remote, String branch, String repository, int interval) {
            this(name, remote, branch, repository, interval, false);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = base("git", name, interval, metered).put("remote", remote).put("branch", branch);
            if (repository != null) {
                n.put("repository", repository);
            }
            return n;
        }

        /** True if {@code remote} is a URL or path rather than the name of a configured git remote. */
        public boolean remoteIsUrl() {
            return remote.contains("://") || remote.contains("@") || remote.startsWith("/") || remote.startsWith(".")
                || remote.contains(":");
        }
    }

    /** An S3-compatible bucket ({@code provider} "s3", or "gcs" for Google Cloud Storage's S3-compatible API). */
    record Cloud(String name, String provider, String bucket, String region, String endpoint, boolean pathStyle, String prefix,
                 String profile, String accessKeyIdEnv, String secretAccessKeyEnv, int interval, boolean metered)
        implements BackendConfig {
        @Override
        public ObjectNode toJson() {
            ObjectNode n = base("cloud", name, interval, metered).put("provider", provider).put("bucket", bucket).put("region", region);
            if (endpoint != null) {
                n.put("endpoint", endpoint);
            }
            n.put("pathStyle", pathStyle);
            n.put("prefix", prefix);
            if (profile != null) {
                n.put("profile", profile);
            }
            if (accessKeyIdEnv != null) {
                n.put("accessKeyIdEnv", accessKeyIdEnv).put("secretAccessKeyEnv", secretAccessKeyEnv);
            }
            return n;
        }
    }

    /** A PostgreSQL database. */
    record Postgres(String name, String url, String user, String passwordEnv, int interval, boolean metered)
        implements BackendConfig {
        @Override
        public ObjectNode toJson() {
            ObjectNode n = base("postgres", name, interval, metered).put("url", url);
            if (user != null) {
                n.put("user", user);
            }
            if (passwordEnv != null) {
                n.put("passwordEnv", passwordEnv);
            }
            return n;
        }
    }

    private static ObjectNode base(String type, String name, int interval, boolean metered) {
        ObjectNode n = Json.object().put("type", type).put("name", name);
        if (interval != DEFAULT_INTERVAL) {
            n.put("interval", interval);
        }
        if (metered) {
            n.put("metered", true);
        }
        return n;
    }

    /** Default seconds between rounds. */
    int DEFAULT_INTERVAL = 60;

    /**
     * Parses the {@code backends} array (null or missing: none).
     *
     * @throws IllegalArgumentException naming the key and saying what is wrong
     */
    static List<BackendConfig> parseList(JsonNode node) {
        List<BackendConfig> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("key \"backends\" must be a list of backend objects");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            BackendConfig b = parse(node.get(i), "backends[" + i + "]");
            if (!names.add(b.name())) {
                throw new IllegalArgumentException("backends[" + i + "]: another backend is already named \"" + b.name()
                    + "\": give one a different \"name\"");
            }
            out.add(b);
        }
        return out;
    }

    /** Parses one entry; {@code at} names it in errors. */
    static BackendConfig parse(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(at + " must be an object such as {\"type\": \"git\", \"remote\": \"origin\"}");
        }
        Fields f = new Fields(n, at);
        String type = f.string("type", true);
        BackendConfig b = switch (type) {
            case "git" -> {
                f.known("type", "name", "remote", "branch", "repository", "interval", "metered");
                String remote = f.string("remote", true);
                String branch = f.stringOr("branch", "lorehub-sync");
                if (branch.isBlank() || branch.contains("..") || branch.contains(" ") || branch.startsWith("-")) {
                    throw new IllegalArgumentException(at + ".branch: \"" + branch + "\" is not a usable branch name");
                }
                yield new Git(f.stringOr("name", "git-" + sanitize(remote)), remote, branch, f.string("repository", false),
                    f.interval(), f.bool("metered", false));
            }
            case "cloud" -> {
                f.known("type", "name", "provider", "bucket", "region", "endpoint", "pathStyle", "prefix", "profile",
                    "accessKeyIdEnv", "secretAccessKeyEnv", "interval", "metered");
                String provider = f.stringOr("provider", "s3");
                if (!provider.equals("s3") && !provider.equals("gcs")) {
                    throw new IllegalArgumentException(at + ".provider must be \"s3\" (AWS, MinIO and other S3-compatible "
                        + "services) or \"gcs\", got \"" + provider + "\"");
                }
                String bucket = f.string("bucket", true);
                boolean gcs = provider.equals("gcs");
                String endpoint = f.stringOr("endpoint", gcs ? "https://storage.googleapis.com" : null);
                if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
                    throw new IllegalArgumentException(at + ".endpoint must be an http:// or https:// URL, got \"" + endpoint + "\"");
                }
                String prefix = f.stringOr("prefix", "lorehub/");
                if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                    prefix = prefix + "/";
                }
                String keyEnv = f.string("accessKeyIdEnv", false);
                String secretEnv = f.string("secretAccessKeyEnv", false);
                if ((keyEnv == null) != (secretEnv == null)) {
                    throw new IllegalArgumentException(at + ": give both \"accessKeyIdEnv\" and \"secretAccessKeyEnv\", or neither "
                        + "(then the standard AWS chain is used)");
                }
                yield new Cloud(f.stringOr("name", provider + "-" + sanitize(bucket)), provider, bucket,
                    f.stringOr("region", gcs ? "auto" : "us-east-1"), endpoint, f.bool("pathStyle", endpoint != null), prefix,
                    f.string("profile", false), keyEnv, secretEnv, f.interval(), f.bool("metered", false));
            }
            case "postgres" -> {
                f.known("type", "name", "url", "user", "passwordEnv", "interval", "metered");
                String url = f.string("url", true);
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException(at + ".url must start with jdbc:postgresql:, got \"" + url + "\"");
                }
                yield new Postgres(f.stringOr("name", "postgres"), url, f.string("user", false), f.string("passwordEnv", false),
                    f.interval(), f.bool("metered", false));
            }
            default -> throw new IllegalArgumentException(at + ".type must be \"git\", \"cloud\" or \"postgres\", got \"" + type
                + "\"");
        };
        if (!b.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(at + ".name \"" + b.name() + "\" must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return b;
    }

    /** A default name part made of what a name may hold. */
    private static String sanitize(String s) {
        String t = s.replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return t.length() > 40 ? t.substring(t.length() - 40) : t.isEmpty() ? "remote" : t;
    }

    /** Typed, strict access to an entry's keys. */
    final class Fields {
        private final JsonNode n;
        private final String at;

        Fields(JsonNode n, String at) {
            this.n = n;
            this.at = at;
        }

        void known(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw new IllegalArgumentException(at + ": unknown key \"" + k + "\" for type " + n.get("type").asText()
                        + ". Known keys: " + String.join(", ", keys) + ".");
                }
            }
        }

        String string(String key, boolean required) {
            JsonNode v = n.get(key);
            if (v == null || v.isNull()) {
                if (required) {
                    throw new IllegalArgumentException(at + ": key \"" + key + "\" is required");
                }
                return null;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(at + "." + key + " must be a string");
            }
            return v.asText();
        }

        String stringOr(String key, String otherwise) {
            String s = string(key, false);
            return s == null ? otherwise : s;
        }

        boolean bool(String key, boolean otherwise) {
            JsonNode v = n.get(key);
            if (v == null || v.isNull()) {
                return otherwise;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(at + "." + key + " must be true or false");
            }
            return v.asBoolean();
        }

        int interval() {
            JsonNode v = n.get("interval");
            if (v == null || v.isNull()) {
                return DEFAULT_INTERVAL;
            }
            if (!v.isInt() || v.asInt() < 5 || v.asInt() > 86_400) {
                throw new IllegalArgumentException(at + ".interval must be a whole number of seconds within 5..86400");
            }
            return v.asInt();
        }
    }

    /** Entries by name, in order. */
    static Map<String, BackendConfig> byName(List<BackendConfig> backends) {
        Map<String, BackendConfig> out = new LinkedHashMap<>();
        for (BackendConfig b : backends) {
            out.put(b.name(), b);
        }
        return out;
    }
}
