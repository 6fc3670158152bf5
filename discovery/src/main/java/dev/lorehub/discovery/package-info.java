/**
 * Finding LoreHub peers on the local network: mDNS/DNS-SD through JmDNS, plus configured static peers.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * DiscoveryConfig config = DiscoveryConfig.builder(new LocalNode(id.toString(), id.shortForm(), "Ada's laptop", 7391, 1))
 *         .mdnsAddresses(List.of(InetAddress.getByName("192.168.1.20")))
 *         .staticPeers(List.of(StaticPeer.parse("10.0.0.5:7391")))
 *         .deviceIdValidator(text -> parsesAsDeviceId(text)) // the node's check, built on DeviceId.parse
 *         .build();
 * try (Discovery discovery = Discovery.create(config, listener)) {
 *     discovery.start();
 *     ...
 * }
 * }</pre>
 * The listener hears {@link dev.lorehub.discovery.DiscoveryListener#peerFound peerFound} and
 * {@link dev.lorehub.discovery.DiscoveryListener#peerLost peerLost}; a found peer is a <em>claim</em>
 * (an address that says it belongs to a device id, or a reachable static address with no id at all). The
 * node must verify the identity on the TLS connection before trusting it.
 *
 * <h2>What goes on the wire</h2>
 * Service type {@code _lorehub._tcp.local.}; instance name {@code "<display name> (<short id>)"}; the SRV
 * record carries the port; TXT keys (RFC 6763 §6 layout, {@code key=value}, UTF-8):
 * <ul>
 *   <li>{@code txtvers=1} — version of this TXT layout; a record with another value is ignored;</li>
 *   <li>{@code id} — the full device id in its canonical text form;</li>
 *   <li>{@code pv} — the sync protocol version, a decimal integer;</li>
 *   <li>{@code dn} — the display name (also in the instance name, which mDNS may rename on a conflict).</li>
 * </ul>
 * While a pairing code is open, a second service {@code _lorehub-pair._tcp.local.} is advertised with
 * {@code txtvers=1}, {@code np} (the public nameplate of the code) and {@code pv}. Nothing else: no realm
 * names, no secret part of a code, no keys.
 *
 * <p>Records are published with a short TTL (10 s unless the JVM sets {@code net.dns.ttl}), so a peer that
 * vanishes without a goodbye is reported lost within about one TTL; see
 * {@link dev.lorehub.discovery.Discovery} for timings and threads.
 */
package dev.lorehub.discovery;
