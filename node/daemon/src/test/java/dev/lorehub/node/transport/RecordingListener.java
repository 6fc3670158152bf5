package dev.lorehub.node.transport;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** A fake daemon: records every callback, optionally reacts through hooks (run on the event loop). */
final class RecordingListener implements ConnectionListener {
    record Frame(PeerConnection connection, byte[] bytes) {
    }

    record Closed(PeerConnection connection, String reason) {
    }

    record Failed(SocketAddress remote, boolean initiator, String reason) {
    }

    final List<PeerConnection> opened = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    final List<Failed> failed = new CopyOnWriteArrayList<>();
    final List<Boolean> writability = new CopyOnWriteArrayList<>();

    volatile Consumer<PeerConnection> onOpened = c -> { };
    volatile BiConsumer<PeerConnection, byte[]> onFrame = (c, f) -> { };
    volatile BiConsumer<PeerConnection, Boolean> onWritability = (c, w) -> { };

    @Override
    public void opened(PeerConnection connection) {
        opened.add(connection);
        onOpened.accept(connection);
    }

    @Override
    public void frame(PeerConnection connection, byte[] frame) {
        frames.add(new Frame(connection, frame));
        onFrame.accept(connection, frame);
    }

    @Override
    public void writabilityChanged(PeerConnection connection, boolean writable) {
        writability.add(writable);
        onWritability.accept(connection, writable);
    }

    @Override
    public void closed(PeerConnection connection, String reason) {
        closed.add(new Closed(connection, reason));
    }

    @Override
    public void failed(SocketAddress remote, boolean initiator, String reason) {
        failed.add(new Failed(remote, initiator, reason));
    }

    /** Connections opened and not closed, in opening order. */
    List<PeerConnection> open() {
        List<PeerConnection> open = new ArrayList<>(opened);
        for (Closed c : closed) {
            open.remove(c.connection());
        }
        return open;
    }

    List<byte[]> framesFrom(PeerConnection connection) {
        List<byte[]> list = new ArrayList<>();
        for (Frame f : frames) {
            if (f.connection() == connection) {
                list.add(f.bytes());
            }
        }
        return list;
    }

    List<String> closeReasons() {
        return closed.stream().map(Closed::reason).toList();
    }

    List<String> failureReasons() {
        return failed.stream().map(Failed::reason).toList();
    }
}
