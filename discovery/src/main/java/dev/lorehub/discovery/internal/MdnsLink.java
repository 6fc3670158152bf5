package dev.lorehub.discovery.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One JmDNS instance bound to one configured local address: publishes our services there and browses both
 * LoreHub service types. JmDNS callbacks are copied into {@link ServiceSighting}s and handed to the
 * discovery thread through a bounded executor; nothing else happens on JmDNS's threads.
 */
final class MdnsLink {

    /** Receives what a link sees, on the discovery thread. */
    interface Sink {
        void resolved(MdnsLink link, ServiceSighting sighting);

        void removed(MdnsLink link, String type, String instance);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MdnsLink.class);
    static final int MAX_ADDRESSES = 16;

    private final String id;
    private final int ordinal;
    private final InetAddress address;
    private final JmDNS jmdns;
    private final Map<String, ServiceInfo> published = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    private MdnsLink(String id, int ordinal, InetAddress address, JmDNS jmdns) {
        this.id = id;
        this.ordinal = ordinal;
        this.address = address;
        this.jmdns = jmdns;
    }

    /**
     * Creates the JmDNS instance for {@code address} and starts browsing.
     *
     * @throws IOException if {@code address} is not on a local interface (JmDNS would then fall back to the
     *                     default interface, which we never allow) or the socket cannot be opened
     */
    static MdnsLink open(String id, int ordinal, InetAddress address, String hostName, Executor handoff, Sink sink) throws IOException {
        requireLocal(address);
        JmDnsTuning.install();
        // JmDNS compares the host name with address.getHostName(), which would do a reverse DNS lookup
        // (network traffic, and seconds of delay where no DNS server is reachable). An InetAddress that
        // already carries its literal as host name answers without a lookup.
        InetAddress literal = address instanceof Inet6Address v6
                ? Inet6Address.getByAddress(v6.getHostAddress(), v6.getAddress(), v6.getScopeId())
                : InetAddress.getByAddress(address.getHostAddress(), address.getAddress());
        JmDNS jmdns = JmDNS.create(literal, hostName);
        MdnsLink link = new MdnsLink(id, ordinal, address, jmdns);
        try {
            jmdns.addServiceListener(ServiceTypes.NODE, link.new Listener(handoff, sink));
            jmdns.addServiceListener(ServiceTypes.PAIRING, link.new Listener(handoff, sink));
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    static void requireLocal(InetAddress address) throws IOException {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByInetAddress(address);
        } catch (SocketException e) {
            throw new IOException("cannot look up the interface of " + address.getHostAddress(), e);
        }
        if (nif == null) {
            throw new IOException(address.getHostAddress() + " is not an address of any local interface");
        }
    }

    String id() {
        return id;
    }

    /** Which of our links this is (0 = first); part of our instance names here, see {@link InstanceNames#node}. */
    int ordinal() {
        return ordinal;
    }

    InetAddress address() {
        return address;
    }

    boolean isOpen() {
        return open;
    }

    /** Publishes {@code info} under {@code key}; JmDNS probes and announces it on its own timers. */
    void publish(String key, ServiceInfo info) throws IOException {
        jmdns.registerService(info);
        published.put(key, info);
    }

    /** Withdraws what was published under {@code key} with goodbyes; blocks until they are sent (~0.5 s). */
    void withdraw(String key) {
        ServiceInfo info = published.remove(key);
        if (info != null && open) {
            jmdns.unregisterService(info);
        }
    }

    /** True if {@code instance} of {@code type} is one we publish here (JmDNS may have renamed it). */
    boolean isOwn(String type, String instance) {
        for (ServiceInfo info : published.values()) {
            if (info.getType().equalsIgnoreCase(type) && info.getName().equalsIgnoreCase(instance)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks the network again for instances of {@code type}: adding a listener makes JmDNS send its three
     * PTR queries (225 ms apart); the throwaway listener is removed at once, the queries still go out.
     */
    void requery(String type) {
        if (!open) {
            return;
        }
        ServiceListener nothing = new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
            }
        };
        try {
            jmdns.addServiceListener(type, nothing);
            jmdns.removeServiceListener(type, nothing);
        } catch (RuntimeException e) {
            LOG.debug("requery on {} failed (closing?): {}", this, e.toString()); // the standing browse still reports
        }
    }

    /** Sends goodbyes for everything we publish, stops JmDNS and its threads. Blocks (~0.5 s). */
    void close() {
        open = false;
        published.clear();
        try {
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing mDNS on {}: {}", address.getHostAddress(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "mDNS@" + address.getHostAddress();
    }

    /** Runs on JmDNS threads: copy, hand off, return. */
    private final class Listener implements ServiceListener {
        private final Executor handoff;
        private final Sink sink;

        Listener(Executor handoff, Sink sink) {
            this.handoff = handoff;
            this.sink = sink;
        }

        @Override
        public void serviceAdded(ServiceEvent event) {
            // JmDNS's own collector resolves every added service; serviceResolved follows.
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            if (info == null || !open) {
                return;
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (InetAddress a : info.getInetAddresses()) {
                if (addresses.size() == MAX_ADDRESSES) {
                    break;
                }
                addresses.add(a);
            }
            byte[] txt = info.getTextBytes();
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} resolved {} port {} addresses {} txt {} bytes", MdnsLink.this, LogText.quote(event.getName()),
                        info.getPort(), addresses, txt == null ? -1 : txt.length);
            }
            ServiceSighting sighting = new ServiceSighting(event.getType().toLowerCase(Locale.ROOT), event.getName(),
                    info.getPort(), addresses, txt == null ? null : txt.clone());
            handoff.execute(() -> sink.resolved(MdnsLink.this, sighting));
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            if (!open) {
                return;
            }
            String type = event.getType().toLowerCase(Locale.ROOT);
            String instance = event.getName();
            LOG.trace("{} removed {}", MdnsLink.this, LogText.quote(instance));
            handoff.execute(() -> sink.removed(MdnsLink.this, type, instance));
        }
    }
}
