package dev.lorehub.discovery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Everything a {@link Discovery} needs: who we are, which local addresses mDNS may use, static peers, and
 * what we accept from others. Immutable; build with {@link #builder(LocalNode)}.
 */
public final class DiscoveryConfig {

    private static final Pattern BASIC_ID = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{6,126})[A-Za-z0-9]");

    /**
     * The check used when the caller supplies none: 8–128 ASCII letters, digits and {@code -}, starting and
     * ending with a letter or digit. It only keeps junk out; the node should pass the real parser
     * ({@code DeviceId.parse}) as {@link Builder#deviceIdValidator}.
     */
    public static final Predicate<String> BASIC_DEVICE_ID_SYNTAX = text -> text != null && BASIC_ID.matcher(text).matches();

    private final LocalNode localNode;
    private final List<InetAddress> mdnsAddresses;
    private final List<StaticPeer> staticPeers;
    private final Predicate<String> deviceIdValidator;
    private final int minProtocolVersion;
    private final int maxProtocolVersion;
    private final StaticPeerPolicy staticPeerPolicy;

    private DiscoveryConfig(Builder builder) {
        this.localNode = builder.localNode;
        this.mdnsAddresses = List.copyOf(new LinkedHashSet<>(builder.mdnsAddresses));
        this.staticPeers = List.copyOf(new LinkedHashSet<>(builder.staticPeers));
        this.deviceIdValidator = builder.deviceIdValidator;
        this.minProtocolVersion = builder.minProtocolVersion;
        this.maxProtocolVersion = builder.maxProtocolVersion;
        this.staticPeerPolicy = builder.staticPeerPolicy;
    }

    /** A builder announcing {@code localNode}, accepting peers of exactly its protocol version. */
    public static Builder builder(LocalNode localNode) {
        return new Builder(localNode);
    }

    /** What this node announces. */
    public LocalNode localNode() {
        return localNode;
    }

    /** Local addresses mDNS is bound to at start (one JmDNS per address); may be empty. */
    public List<InetAddress> mdnsAddresses() {
        return mdnsAddresses;
    }

    /** Configured static peers. */
    public List<StaticPeer> staticPeers() {
        return staticPeers;
    }

    /** Decides whether a received device id is well formed; records with other ids are ignored. */
    public Predicate<String> deviceIdValidator() {
        return deviceIdValidator;
    }

    /** Lowest peer protocol version reported (inclusive). */
    public int minProtocolVersion() {
        return minProtocolVersion;
    }

    /** Highest peer protocol version reported (inclusive). */
    public int maxProtocolVersion() {
        return maxProtocolVersion;
    }

    /** How static peers are probed. */
    public StaticPeerPolicy staticPeerPolicy() {
        return staticPeerPolicy;
    }

    /** Builds a {@link DiscoveryConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private final LocalNode localNode;
        private final List<InetAddress> mdnsAddresses = new ArrayList<>();
        private final List<StaticPeer> staticPeers = new ArrayList<>();
        private Predicate<String> deviceIdValidator = BASIC_DEVICE_ID_SYNTAX;
        private int minProtocolVersion;
        private int maxProtocolVersion;
        private StaticPeerPolicy staticPeerPolicy = StaticPeerPolicy.DEFAULT;

        private Builder(LocalNode localNode) {
            this.localNode = Objects.requireNonNull(localNode, "localNode");
            this.minProtocolVersion = localNode.protocolVersion();
            this.maxProtocolVersion = localNode.protocolVersion();
        }

        /**
         * Local addresses to run mDNS on, one JmDNS instance each. Each must belong to a local interface
         * when discovery starts (an address that does not is skipped with a warning, never replaced by a
         * default interface). Tests use {@code 127.0.0.1} or addresses inside network namespaces they own.
         */
        public Builder mdnsAddresses(List<? extends InetAddress> addresses) {
            mdnsAddresses.clear();
            for (InetAddress address : addresses) {
                mdnsAddresses.add(requireUsable(address));
            }
            return this;
        }

        /** Static peers, probed by TCP connect; see {@link StaticPeerPolicy}. */
        public Builder staticPeers(List<StaticPeer> peers) {
            staticPeers.clear();
            for (StaticPeer peer : peers) {
                staticPeers.add(Objects.requireNonNull(peer, "static peer"));
            }
            return this;
        }

        /**
         * Checks received device ids (and our own at {@link #build()}); defaults to
         * {@link #BASIC_DEVICE_ID_SYNTAX}. Must be fast, side-effect free and thread-safe.
         */
        public Builder deviceIdValidator(Predicate<String> validator) {
            this.deviceIdValidator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /** Peer protocol versions to report (inclusive range); others are ignored with a debug log. */
        public Builder acceptedProtocolVersions(int min, int max) {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("protocol version range must satisfy 0 <= min <= max: " + min + ".." + max);
            }
            this.minProtocolVersion = min;
            this.maxProtocolVersion = max;
            return this;
        }

        /** How static peers are probed; defaults to {@link StaticPeerPolicy#DEFAULT}. */
        public Builder staticPeerPolicy(StaticPeerPolicy policy) {
            this.staticPeerPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The finished configuration.
         *
         * @throws IllegalArgumentException if our own device id fails the validator
         */
        public DiscoveryConfig build() {
            if (!deviceIdValidator.test(localNode.deviceId())) {
                throw new IllegalArgumentException("own device id is rejected by the device id validator: " + localNode.deviceId());
            }
            return new DiscoveryConfig(this);
        }

        static InetAddress requireUsable(InetAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                throw new IllegalArgumentException("mDNS needs a concrete local unicast address, not " + address.getHostAddress());
            }
            return address;
        }
    }
}
