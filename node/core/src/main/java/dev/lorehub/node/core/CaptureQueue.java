package dev.lorehub.node.core;

import java.util.List;

/**
 * The port through which the core drains the capture queue: the changes lh (or anyone) made to
 * LoreHub's tables, in commit order, waiting to become signed events. The core owns this
 * contract; the store implements it over its capture table and triggers.
 */
public interface CaptureQueue {

    /** Whether the queue exists at all (it may have been dropped behind the node's back). */
    boolean exists() throws StorageException;

    /** The oldest {@code limit} captured changes, in commit order. */
    List<CapturedChange> pending(int limit) throws StorageException;

    /** Removes every change up to and including {@code seq} (turned into events); returns how many. */
    int deleteThrough(long seq) throws StorageException;

    /** How many captured changes wait. */
    long pendingCount() throws StorageException;
}
