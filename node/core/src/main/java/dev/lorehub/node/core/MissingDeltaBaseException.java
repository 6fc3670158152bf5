package dev.lorehub.node.core;

/**
 * An event carries a text field as a {@link TextDelta} whose base event this device does not hold
 * (or cannot read yet): its text cannot be known until the base arrives. Not a format error: the
 * event is held aside at ingest and left out of folds until then.
 */
public final class MissingDeltaBaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient EventId base;

    public MissingDeltaBaseException(EventId base, String message) {
        super(message);
        this.base = base;
    }

    /** The event whose text the delta edits. */
    public EventId base() {
        return base;
    }
}
