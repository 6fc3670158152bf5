/**
 * The LoreHub SQLite database, shared with {@code lh} (LOREHUB_SCHEMA.md), and the node's own tables
 * beside it (DESIGN.md §5). It implements the storage ports the core owns ({@code dev.lorehub.node.core}:
 * {@code NodeStorage}, {@code EventLog}, {@code LhRows}, {@code CaptureQueue}, {@code RealmKeys}, and the
 * row records they speak) and is the only place that speaks JDBC. The dependency points one way: the store
 * knows the core, the core never names the store (CorePortsArchitectureTest).
 *
 * <p><b>Roles.</b>
 * <ul>
 *   <li>{@link dev.lorehub.node.store.LoreHubDatabase}: the one connection, its transactions
 *       ({@code BEGIN IMMEDIATE}, budgeted so lh never waits long), schema checks; opening never alters
 *       lh's table definitions. {@code openReadOnly} for the query side ({@code store.query}).</li>
 *   <li>lh's tables: {@link dev.lorehub.node.store.LoreHubSchema} (lh 0.2.2's schema, byte for byte),
 *       {@link dev.lorehub.node.store.LoreTables} (the node's applies of the core's row records, written the
 *       way lh writes them), {@link dev.lorehub.node.store.LoreWriter} (lh's own statements, for the {@code lore}
 *       commands, the simulator's lh and the tests' lh),
 *       {@link dev.lorehub.node.store.LhCompatibility}, {@link dev.lorehub.node.store.LhMigrationRecord}
 *       and {@link dev.lorehub.node.store.LhMigrationRepair} (drizzle's record of lh's migrations).</li>
 *   <li>Capture: {@link dev.lorehub.node.store.ChangeCapture} and {@link dev.lorehub.node.store.CaptureTriggers}
 *       (triggers that queue every change any writer makes), {@link dev.lorehub.node.store.EchoGuard}
 *       (the node's own applies are not captured back).</li>
 *   <li>The node's tables: {@link dev.lorehub.node.store.SyncTables}, {@link dev.lorehub.node.store.EventStore};
 *       {@link dev.lorehub.node.store.NodeObjects} removes them all without touching lh's.</li>
 *   <li>Adapters of the core's ports, one per port: {@link dev.lorehub.node.store.SqliteStorage}
 *       ({@code NodeStorage}), {@link dev.lorehub.node.store.SqliteEventLog} ({@code EventLog}: typed ids in,
 *       {@link dev.lorehub.node.store.EventStore}'s statements underneath, and the relation index kept on
 *       append), {@link dev.lorehub.node.store.SqliteLhRows} ({@code LhRows} over
 *       {@link dev.lorehub.node.store.LoreTables}), {@link dev.lorehub.node.store.KeyFile} ({@code RealmKeys});
 *       {@link dev.lorehub.node.store.SqlCalls} turns an {@code SQLException} into the core's
 *       {@code StorageException}, keeping SQLite's message.</li>
 *   <li>Composition root: {@link dev.lorehub.node.store.SqliteReplicas} opens a {@code Replica} on a
 *       {@link dev.lorehub.node.store.LoreHubDatabase} (read-write, or read-only for the query side) by
 *       handing the core these adapters.</li>
 * </ul>
 *
 * <p><b>Threading.</b> Not thread-safe: one connection, used by the thread that owns the replica. lh
 * runs in its own process; SQLite's file lock orders the two writers.
 *
 * <p><b>Invariants.</b> A row lh wrote is read and written back unchanged byte for byte (JSON text,
 * timestamps as lh writes them); capture sees every change lh makes, including cascaded deletes; the
 * node's objects are all named {@code lhsync_…} and never collide with lh's.
 *
 * <p><b>Errors.</b> {@link dev.lorehub.node.store.LoreHubDatabaseException}: the database cannot be opened,
 * created or used (the message names the file and the fix; the runtime reports it as a data-directory
 * problem). Through the ports, SQLite's errors become the core's {@code StorageException} with a
 * {@code Reason} ({@link dev.lorehub.node.store.SqlCalls}).
 */
package dev.lorehub.node.store;
