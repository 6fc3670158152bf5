/**
 * The query side of the node's data: what the read-only commands ({@code status}, {@code peers},
 * {@code log}, {@code conflicts}, {@code lore list|show}, {@code realm list}) read, without the
 * command side's set-up. {@link dev.lorehub.node.store.query.NodeQuery} opens the LoreHub database
 * read-only (SQLite refuses any write on its connection), never installs change capture, never
 * takes the write lock, and folds memberships and entities only when asked for one; it works on a
 * database file the user cannot write, and a running node or lh never waits for it.
 */
package dev.lorehub.node.store.query;
