/**
 * The deterministic network simulator: N real nodes ({@code dev.lorehub.node.core}'s endpoint over
 * real SQLite files) on a simulated network with latency, loss, partitions, crashes and hostile peers,
 * checked against a reference model. Only its command line and run API ({@code dev.lorehub.simulator})
 * are exported; the engine is internal.
 */
module dev.lorehub.simulator {
    requires dev.lorehub.node.core;
    requires com.fasterxml.jackson.databind;

    exports dev.lorehub.simulator;
}
