package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.InvalidPairingCodeException;
import dev.lorehub.crypto.PairingCode;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeOperations;
import dev.lorehub.node.runtime.NodeView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pair}: print a one-time code, or use one. A code typed on the command line shows in
 * {@code ps} and the shell history to anyone on the machine while the pairing runs; {@code --join}
 * asks for it instead, at a prompt that does not echo (or as one line on standard input when that is
 * not a terminal, e.g. {@code pass show lorehub | lorehub-node pair --join}).
 */
@Command(name = "pair", description = {"Pair with another device by one-time code.",
    "Without CODE: print a code, advertise its nameplate, and wait (10 minutes, one attempt); the realms you choose "
        + "(default: every realm you administer) are granted to the device that uses it.",
    "With --join (or CODE): find the device showing the code on this network (or at --peer) and pair. --join asks for "
        + "the code at a hidden prompt (or reads one line from standard input), so it never shows in `ps` or the shell "
        + "history as CODE does."})
final class PairCommand implements Callable<Integer> {
    /** Longest line read as a code from standard input: a code is a few short words. */
    static final int MAX_CODE_CHARS = 200;

    final HomeOption home = new HomeOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "CODE",
        description = "The code shown on the other device (visible to other users in `ps`: prefer --join)")
    String code;

    @Option(names = "--join", description = "Use a code from the other device, typed at a hidden prompt (or one line "
        + "on standard input) instead of on the command line")
    boolean join;

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "Where the inviting device is, if mDNS cannot find it")
    String peer;

    @Option(names = "--realm", paramLabel = "REALM", description = "Realm to grant (id, name or directory); repeatable")
    List<String> realms = new ArrayList<>();

    @Option(names = "--role", defaultValue = "write", description = "Role granted: read, write, admin or relay (default: write)")
    String role;

    @Override
    public Integer call() {
        NodeHome h = home.home();
        ControlRequest request;
        if (join) {
            if (code != null) {
                throw new NodeException("Give the code either after --join at its prompt or as CODE, not both.",
                    NodeException.Reason.USAGE);
            }
            code = readCode();
        }
        if (code != null) {
            // Check what the user typed before starting anything on the network.
            try {
                PairingCode.parse(code);
            } catch (InvalidPairingCodeException e) {
                throw new NodeException("That pairing code is not valid: " + e.getMessage(), NodeException.Reason.USAGE);
            }
            if (peer != null) {
                NodeOperations.hostPort(peer);
            }
            request = new ControlRequest.Join(code, peer);
            System.out.println("Looking for the device showing that code…");
        } else {
            try {
                Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new NodeException(e.getMessage(), NodeException.Reason.USAGE);
            }
            List<String> granted = new ArrayList<>();
            for (RealmId r : grantable(h)) {
                granted.add(r.toString());
            }
            request = new ControlRequest.Invite(granted, role, null);
        }
        JsonNode result = NodeClient.run(h, home.config(), request, true, progress -> {
            if (progress.has("code")) {
                System.out.println("Pairing code: " + progress.get("code").asText());
                System.out.println("On the other device run: lorehub-node pair --join   (and type the code at its prompt)");
                System.out.println("(or, if it cannot find this one: lorehub-node pair --join --peer "
                    + progress.get("address").asText() + ")");
                System.out.println("Waiting up to 10 minutes…");
            }
        });
        System.out.println("Paired with " + result.get("name").asText() + " (" + result.get("device").asText() + ").");
        System.out.println("Verification: " + result.get("verification").asText()
            + " — the other device shows the same digits if nobody came between you.");
        for (JsonNode r : result.path("granted")) {
            System.out.println("Granted realm " + r.asText() + " (" + role + ").");
        }
        if (code != null) {
            System.out.println("Realms shared with you arrive at the next sync; map them with `lorehub-node realm join`.");
        }
        return 0;
    }

    /**
     * The code from a prompt that does not echo when a terminal is attached, else the first line of
     * standard input (bounded, so a stream without newlines cannot fill memory).
     */
    static String readCode() {
        Console console = System.console();
        String text;
        if (console != null) {
            char[] typed = console.readPassword("Pairing code shown on the other device: ");
            text = typed == null ? null : new String(typed);
        } else {
            text = readLine(System.in);
        }
        if (text == null || text.isBlank()) {
            throw new NodeException("No pairing code given: type the code the other device shows (lorehub-node pair "
                + "prints it there).", NodeException.Reason.USAGE);
        }
        return text.strip();
    }

    private static String readLine(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (line.length() >= MAX_CODE_CHARS) {
                    throw new NodeException("That pairing code is not valid: longer than " + MAX_CODE_CHARS + " characters.",
                        NodeException.Reason.USAGE);
                }
                line.append((char) c);
            }
            return c == -1 && line.length() == 0 ? null : line.toString();
        } catch (IOException e) {
            throw new NodeException("Cannot read the pairing code from standard input: " + e.getMessage(), NodeException.Reason.USAGE);
        }
    }

    private List<RealmId> grantable(NodeHome h) {
        try (NodeView view = NodeView.open(h)) {
            if (!realms.isEmpty()) {
                List<RealmId> out = new ArrayList<>();
                for (String r : realms) {
                    out.add(view.realm(r, HomeOption.cwd()));
                }
                return out;
            }
            List<RealmId> admin = new ArrayList<>();
            for (Map.Entry<RealmId, ?> e : view.replica().realms().entrySet()) {
                if (view.replica().membership(e.getKey()).role(view.replica().deviceId()).orElse(null) == Role.ADMIN) {
                    admin.add(e.getKey());
                }
            }
            return admin;
        } catch (IllegalArgumentException e) {
            throw new NodeException(e.getMessage(), NodeException.Reason.USAGE);
        }
    }
}
