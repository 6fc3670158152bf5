package dev.lorehub.discovery.internal;

import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.tasks.state.Announcer;
import java.util.Timer;

/**
 * JmDNS's announcer, first sending 250 ms after the last probe (RFC 6762 §8.1: "if, by 250 ms after the third
 * probe, no conflicting Multicast DNS responses have been received, the host may move to ... announcing")
 * instead of 1 s; the second announcement still follows 1 s later (§8.3).
 */
final class PromptAnnouncer extends Announcer {

    PromptAnnouncer(JmDNSImpl dns) {
        super(dns);
    }

    @Override
    public void start(Timer timer) {
        if (!getDns().isCanceling() && !getDns().isCanceled()) {
            timer.schedule(this, DNSConstants.PROBE_WAIT_INTERVAL, DNSConstants.ANNOUNCE_WAIT_INTERVAL);
        }
    }
}
