package dev.lorehub.node.sync;

/** A frame over the size limit; refused before decoding. */
public final class FrameTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int limit;
    private final int size;

    /** @param size the frame's size, or -1 when the encoder stopped at the limit */
    public FrameTooLargeException(int limit, int size) {
        super(size < 0 ? "frame exceeds the limit of " + limit + " bytes" : "frame of " + size + " bytes exceeds the limit of "
            + limit + " bytes");
        this.limit = limit;
        this.size = size;
    }

    public int limit() {
        return limit;
    }

    public int size() {
        return size;
    }
}
