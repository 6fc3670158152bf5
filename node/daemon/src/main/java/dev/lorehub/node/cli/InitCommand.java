package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/** {@code init}: prepares a data directory (lh's database, change capture, this device's identity). */
@Command(name = "init", description = "Prepare the data directory: open lh's database (or create one lh accepts), "
    + "install change capture, create this device's identity, and make the directory and its database and key files "
    + "private to you (0700/0600; lh keeps working). Safe to run again.")
final class InitCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--name", description = "This device's display name, shown to peers (saved in node/node.json)")
    String name;

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        String nameProblem = name == null ? null : dev.lorehub.node.runtime.NodeConfig.displayNameProblem(name);
        if (nameProblem != null) {
            throw new dev.lorehub.node.runtime.NodeException("--name " + nameProblem + ".", dev.lorehub.node.runtime.NodeException.Reason.USAGE);
        }
        NodeFiles.InitResult r = NodeFiles.init(h, new SecureRandom());
        if (name != null) {
            if (Files.exists(h.config())) {
                System.out.println("node.json exists already; edit \"displayName\" there to rename this device.");
            } else {
                Files.writeString(h.config(), "{\n  \"displayName\": " + dev.lorehub.node.json.Json.MAPPER
                    .writeValueAsString(name) + "\n}\n");
            }
        }
        System.out.println((r.createdDatabase() ? "Created " : "Using ") + h.database());
        System.out.println((r.createdIdentity() ? "Created" : "Found") + " device identity " + r.identity().id());
        System.out.println("Short id: " + r.identity().id().shortForm());
        if (r.madePrivate()) {
            System.out.println("Made " + h.dataDir() + " private to you (directory 0700, database and key files 0600).");
        }
        System.out.println();
        System.out.println("Next: `lorehub-node start` to sync, `lorehub-node pair` to pair another device.");
        return 0;
    }
}
