package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.LoreReport;
import dev.lorehub.node.runtime.LoresReport;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.core.RealmRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lore}: add, list, show, edit and remove lores, writing lh's schema (for users without lh). */
@Command(name = "lore", description = "Work with lores directly (for users without lh); writes exactly what lh writes, "
    + "and a running node syncs it within a second.",
    subcommands = {LoreCommand.Add.class, LoreCommand.ListLores.class, LoreCommand.Show.class, LoreCommand.Edit.class,
        LoreCommand.Remove.class})
final class LoreCommand {

    /** Options shared by the lore commands. */
    static class Where {
        final HomeOption home = new HomeOption();

        @Option(names = "--path", paramLabel = "DIR", description = "The project directory (default: the current directory)")
        Path path;

        Path dir() {
            return path != null ? path : HomeOption.cwd();
        }

        LoreHubDatabase open() {
            NodeHome h = home.checkedHome();
            NodeFiles.requireInitialised(h);
            return LoreHubDatabase.open(h.database());
        }

        /**
         * Refuses (exit 7) a write to a synced realm this device may not write: lh would store it,
         * but it could never sync. Says which role is missing.
         */
        void requireWritable(String localRealmId) {
            try (dev.lorehub.node.runtime.NodeView view = dev.lorehub.node.runtime.NodeView.open(home.home())) {
                view.replica().whyNotWritable(localRealmId).ifPresent(why -> {
                    throw new dev.lorehub.node.runtime.NodeException("Not written: this realm is synced and " + why + ".",
                        dev.lorehub.node.runtime.NodeException.Reason.REFUSED);
                });
            }
        }
    }

    @Command(name = "add", description = "Add a lore to the current directory's realm (created if lh has not seen it yet).")
    static final class Add extends Where implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CONTENT", description = "The lore itself")
        String content;

        @Option(names = "--why", description = "Why it holds")
        String why;

        @Option(names = "--type", defaultValue = "wisdom", description = "decree, wisdom, belief, constraint, requirement, risk, "
            + "quest, saga, story, anomaly or other (default: wisdom)")
        String type;

        @Option(names = "--sigil", paramLabel = "TAG", description = "A tag; repeatable")
        List<String> sigils = List.of();

        @Option(names = "--province", paramLabel = "PACKAGE", description = "A sub-package it applies to; repeatable")
        List<String> provinces = List.of();

        @Option(names = "--confidence", defaultValue = "80", description = "0..100 (default: 80)")
        int confidence;

        @Override
        public Integer call() {
            LoreEditor.validateNew(content, type, confidence); // bad input must not leave a new realm behind
            try (LoreHubDatabase db = open()) {
                LoreEditor editor = new LoreEditor(db);
                RealmRow realm = editor.realmFor(dir(), true);
                requireWritable(realm.id());
                String id = editor.add(realm.id(), content, why, type, sigils, provinces, confidence);
                System.out.println("Added lore " + id + " to realm " + realm.name() + ".");
            }
            return 0;
        }
    }

    /**
     * {@code lore list}. A running daemon builds the report ({@link LoresReport}) and this process
     * opens no database; otherwise it is built here from a read-only look at lh's tables. The text is
     * rendered from the report, so both read the same.
     */
    @Command(name = "list", description = "List the lores of the current directory's realm.")
    static final class ListLores extends Where implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON instead of text: {\"realm\": {\"id\", \"name\"}, \"lores\": "
            + "[the fields of `lore show --json`]}")
        boolean json;

        @Override
        public Integer call() {
            NodeHome h = home.checkedHome();
            // Resolved here: the daemon's working directory is not this command's.
            Path directory = dir().toAbsolutePath().normalize();
            ObjectNode report = DaemonAnswer.report(h, new ControlRequest.Lores(directory.toString()), () -> {
                try (LoreHubDatabase db = HomeOption.readDatabase(h)) {
                    return LoresReport.build(db, directory);
                }
            });
            if (json) {
                JsonOutput.print(report);
                return 0;
            }
            JsonNode lores = report.get("lores");
            if (lores.isEmpty()) {
                System.out.println("No lores in realm " + report.get("realm").get("name").asText() + " yet.");
            }
            for (JsonNode l : lores) {
                System.out.printf("%-8s %-11s %3d %-9s %s%n", l.get("id").asText().substring(0, 8), l.get("type").asText(),
                    l.get("confidence").asInt(), l.get("status").asText(), l.get("content").asText());
            }
            return 0;
        }
    }

    /**
     * {@code lore show}. A running daemon builds the report ({@link LoreReport}), or refuses an unknown
     * or ambiguous id as this process would, and this process opens no database; otherwise it is built
     * here from a read-only look at lh's tables. The text is rendered from the report.
     */
    @Command(name = "show", description = "Show one lore in full.")
    static final class Show extends Where implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "LORE", description = "Lore id or a unique prefix")
        String id;

        @Option(names = "--json", description = "Print JSON instead of text: {\"id\", \"content\", \"why\", \"type\", "
            + "\"confidence\", \"status\", \"sigils\": [], \"provinces\": [], \"origin\", \"createdAt\", \"updatedAt\"} "
            + "(times as lh stores them)")
        boolean json;

        @Override
        public Integer call() {
            NodeHome h = home.checkedHome();
            ObjectNode l = DaemonAnswer.report(h, new ControlRequest.Lore(id), () -> {
                try (LoreHubDatabase db = HomeOption.readDatabase(h)) {
                    return LoreReport.build(db, id);
                }
            });
            if (json) {
                JsonOutput.print(l);
                return 0;
            }
            System.out.println("id          " + l.get("id").asText());
            System.out.println("content     " + l.get("content").asText());
            System.out.println("why         " + (l.get("why").isNull() ? "" : l.get("why").asText()));
            System.out.println("type        " + l.get("type").asText());
            System.out.println("confidence  " + l.get("confidence").asInt());
            System.out.println("status      " + l.get("status").asText());
            System.out.println("sigils      " + joined(l.get("sigils")));
            System.out.println("provinces   " + joined(l.get("provinces")));
            System.out.println("origin      " + l.get("origin").asText());
            System.out.println("created     " + l.get("createdAt").asText());
            System.out.println("updated     " + l.get("updatedAt").asText());
            return 0;
        }

        /** A list's values as the text shows them: "a, b". */
        private static String joined(JsonNode values) {
            List<String> out = new ArrayList<>();
            values.forEach(v -> out.add(v.asText()));
            return String.join(", ", out);
        }
    }

    @Command(name = "edit", description = "Change a lore's fields; those not given stay as they are.")
    static final class Edit extends Where implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "LORE", description = "Lore id or a unique prefix")
        String id;

        @Option(names = "--content")
        String content;

        @Option(names = "--why")
        String why;

        @Option(names = "--type")
        String type;

        @Option(names = "--sigil", paramLabel = "TAG", description = "Replaces the tags; repeatable")
        List<String> sigils;

        @Option(names = "--confidence")
        Integer confidence;

        @Option(names = "--status", description = "living, ancient, whispered, proclaimed or archived")
        String status;

        @Override
        public Integer call() {
            if (content == null && why == null && type == null && sigils == null && confidence == null && status == null) {
                throw new NodeException("Nothing to change: give at least one of --content, --why, --type, --sigil, "
                    + "--confidence or --status. The lore was left as it is.", NodeException.Reason.USAGE);
            }
            try (LoreHubDatabase db = open()) {
                LoreEditor editor = new LoreEditor(db);
                LoreRow old = editor.get(id);
                boolean same = (content == null || content.equals(old.content())) && (why == null || why.equals(old.why()))
                    && (type == null || type.equals(old.type())) && (sigils == null || sigils.equals(old.sigils()))
                    && (confidence == null || confidence == old.confidence()) && (status == null || status.equals(old.status()));
                if (same) {
                    // Writing would only move updated_at and send a change to every device for nothing.
                    System.out.println("Lore " + old.id() + " already has these values; nothing changed.");
                    return 0;
                }
                requireWritable(old.realmId());
                LoreRow row = editor.edit(old.id(), content, why, type, sigils, confidence, status);
                System.out.println("Updated lore " + row.id() + ".");
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete a lore (and its relations), as lh does; the delete syncs.")
    static final class Remove extends Where implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "LORE", description = "Lore id or a unique prefix")
        String id;

        @Override
        public Integer call() {
            try (LoreHubDatabase db = open()) {
                LoreEditor editor = new LoreEditor(db);
                LoreRow row = editor.get(id);
                requireWritable(row.realmId());
                editor.remove(row.id());
                System.out.println("Deleted lore " + row.id() + ".");
            }
            return 0;
        }
    }
}
