package dev.lorehub.discovery.internal;

import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.tasks.state.Canceler;
import java.util.Timer;

/**
 * JmDNS's goodbye sender (three TTL-0 announcements), 250 ms apart instead of 1 s, so that unregistering a
 * service or closing an instance — both wait for the goodbyes — takes about half a second.
 */
final class QuickCanceler extends Canceler {

    QuickCanceler(JmDNSImpl dns) {
        super(dns);
    }

    @Override
    public void start(Timer timer) {
        timer.schedule(this, 0, DNSConstants.PROBE_WAIT_INTERVAL);
    }
}
