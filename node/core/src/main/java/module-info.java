/**
 * The sans-IO LoreHub Sync node, driven by the daemon ({@code dev.lorehub.node}) and by the simulator
 * ({@code dev.lorehub.simulator}) alike: it never opens a socket, starts a thread or reads a clock of
 * its own (DESIGN.md §4; SansIoRules checks it).
 *
 * <ul>
 *   <li>{@code dev.lorehub.node.store}: lh's SQLite database, the event log beside it, change capture: the
 *       adapters of the core's ports, and {@code SqliteReplicas}, which opens a replica on them;
 *       {@code store.query} is the read-only side the read-only commands use.</li>
 *   <li>{@code dev.lorehub.node.core}: events, their signatures and sealing, membership and authority,
 *       the fold of entities and text merge; the storage ports it owns and the rows they speak;
 *       {@code Replica} ties them together. It never names the store.</li>
 *   <li>{@code dev.lorehub.node.sync}: one sync session with one peer (fingerprints, wants, events).</li>
 *   <li>{@code dev.lorehub.node.endpoint}: the node: sessions per peer, fan-out, restarts, redial,
 *       capture cadence; inputs carry time, outputs are actions for a driver.</li>
 * </ul>
 */
module dev.lorehub.node.core {
    requires transitive dev.lorehub.crypto;
    requires transitive dev.lorehub.merkle;
    requires transitive java.sql;
    // BoundedKryoIo, the one gate every decode goes through, takes and returns Kryo streams.
    requires transitive com.esotericsoftware.kryo;
    requires org.xerial.sqlitejdbc;
    // dev.lorehub.node.json hands out the shared mapper, readers and trees
    requires transitive com.fasterxml.jackson.databind;
    requires org.eclipse.jgit;
    requires com.github.luben.zstd_jni;
    requires org.pcollections;
    requires org.slf4j;

    exports dev.lorehub.node.core;
    exports dev.lorehub.node.endpoint;
    exports dev.lorehub.node.store;
    // the query side: read-only commands read through it, never installing capture or locking for writes
    exports dev.lorehub.node.store.query;
    exports dev.lorehub.node.sync;
    // the one configured Jackson mapper every module of the node shares
    exports dev.lorehub.node.json;
}
