package dev.lorehub.node.remote;

import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user's usual https credentials for JGit: asks git's own credential helpers ({@code git
 * credential fill}: the OS keychain, libsecret, the store or cache helper, a token helper ...) when
 * the git program is installed. Never prompts: {@code GIT_TERMINAL_PROMPT=0}, since the node runs
 * unattended. Username and password only; anything else (ssh passphrases, host keys) is not this
 * provider's to answer.
 */
final class GitCredentialHelper extends CredentialsProvider {
    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem i : items) {
            if (!(i instanceof CredentialItem.Username) && !(i instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
        if (!supports(items) || uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
            return false;
        }
        Map<String, String> answer = fill(uri);
        if (answer == null || !answer.containsKey("password")) {
            return false;
        }
        for (CredentialItem i : items) {
            if (i instanceof CredentialItem.Username u) {
                u.setValue(answer.getOrDefault("username", uri.getUser()));
            } else if (i instanceof CredentialItem.Password p) {
                p.setValue(answer.get("password").toCharArray());
            }
        }
        return true;
    }

    private static Map<String, String> fill(URIish uri) {
        try {
            ProcessBuilder pb = new ProcessBuilder("git", "credential", "fill");
            pb.environment().put("GIT_TERMINAL_PROMPT", "0");
            pb.environment().put("GIT_ASKPASS", "true");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                StringBuilder q = new StringBuilder("protocol=" + uri.getScheme() + "\nhost=" + uri.getHost()
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "\n");
                if (uri.getPath() != null) {
                    q.append("path=").append(uri.getPath().replaceFirst("^/", "")).append('\n');
                }
                if (uri.getUser() != null) {
                    q.append("username=").append(uri.getUser()).append('\n');
                }
                in.write(q.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0) {
                return null;
            }
            Map<String, String> answer = new HashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    answer.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return answer;
        } catch (IOException e) {
            return null; // git is not installed: no helpers to ask
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
