package dev.lorehub.discovery.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.jmdns.impl.DNSTaskStarter;
import javax.jmdns.impl.constants.DNSConstants;

/**
 * The two JVM-wide JmDNS settings this module relies on, applied before the first JmDNS instance exists.
 *
 * <ol>
 *   <li><b>Record TTL.</b> JmDNS reads {@code net.dns.ttl} once, when {@link DNSConstants} is first loaded, and
 *   uses it for every record it publishes (default 3600 s). We set it to {@value #DEFAULT_RECORD_TTL_SECONDS} s
 *   unless the JVM already sets it, so a peer that disappears without a goodbye expires from other caches
 *   within one TTL; JmDNS re-announces every TTL/2 to keep live records fresh (one small packet per 5 s per
 *   address). It must be set before any JmDNS class touches {@code DNSConstants}, which is why every entry
 *   point of this module calls {@link #install()} first.</li>
 *   <li><b>Task timing.</b> JmDNS's public extension point {@link DNSTaskStarter.Factory#setClassDelegate}
 *   installs {@link TunedTaskStarter}, which schedules JmDNS's own probe, announce, goodbye and cache-reaper
 *   tasks on RFC 6762 timing instead of JmDNS's slower defaults. See {@link TunedTaskStarter}.</li>
 * </ol>
 * Both are global to the JVM; this module is the only user of JmDNS in the node (DESIGN.md §2).
 */
public final class JmDnsTuning {

    /** TTL in seconds of the records we publish, unless {@code -Dnet.dns.ttl} says otherwise. */
    public static final int DEFAULT_RECORD_TTL_SECONDS = 10;

    static final String TTL_PROPERTY = "net.dns.ttl";

    private static final Logger LOG = LoggerFactory.getLogger(JmDnsTuning.class);
    private static boolean reported;

    private JmDnsTuning() {
    }

    /** Applies both settings; idempotent and cheap, call before creating any JmDNS instance. */
    public static synchronized void install() {
        if (System.getProperty(TTL_PROPERTY) == null) {
            System.setProperty(TTL_PROPERTY, Integer.toString(DEFAULT_RECORD_TTL_SECONDS));
        }
        DNSTaskStarter.Factory.setClassDelegate(TunedTaskStarter::new);
        if (!reported) {
            reported = true;
            int ttl = recordTtlSeconds();
            if (!Integer.toString(ttl).equals(System.getProperty(TTL_PROPERTY))) {
                LOG.warn("JmDNS was loaded before discovery could set {}; published records use TTL {} s, so vanished peers expire late",
                        TTL_PROPERTY, ttl);
            } else {
                LOG.debug("JmDNS tuned: record TTL {} s, RFC 6762 probe/announce timing", ttl);
            }
        }
    }

    /** The TTL JmDNS actually uses for the records it publishes, in seconds. */
    public static int recordTtlSeconds() {
        return DNSConstants.DNS_TTL;
    }

    /**
     * Puts JmDNS's own task timing back (for the benchmark's baseline only): instances created afterwards use
     * JmDNS's defaults until {@link #install()} is called again.
     */
    public static synchronized void useJmDnsDefaultTimingForBaseline() {
        DNSTaskStarter.Factory.setClassDelegate(null);
    }
}
