package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code unpair}: forget a paired device. */
@Command(name = "unpair", description = "Forget a paired device: no more syncing with it. Its realm roles stay until you "
    + "`realm revoke` them.")
final class UnpairCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Parameters(paramLabel = "DEVICE", description = "Device id, or its short form")
    String device;

    @Override
    public Integer call() {
        JsonNode r = NodeClient.run(home.home(), home.config(),
            new ControlRequest.Unpair(device), false, x -> { });
        System.out.println(r.get("wasPaired").asBoolean() ? "Unpaired " + r.get("device").asText() + "."
            : "Device " + r.get("device").asText() + " was not paired; nothing changed.");
        return 0;
    }
}
