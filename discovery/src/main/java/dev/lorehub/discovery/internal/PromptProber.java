package dev.lorehub.discovery.internal;

import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.tasks.state.Prober;
import java.util.Timer;

/**
 * JmDNS's prober on RFC 6762 §8.1 timing: a random 0–250 ms, then probes 250 ms apart. JmDNS itself uses
 * this timing only for an instance that is already announced and waits 1 s between probes otherwise; the
 * throttle (JmDNS's guard against probe storms) is kept exactly as JmDNS computes it.
 */
final class PromptProber extends Prober {

    PromptProber(JmDNSImpl dns) {
        super(dns);
    }

    @Override
    public void start(Timer timer) {
        JmDNSImpl dns = getDns();
        long now = System.currentTimeMillis();
        if (now - dns.getLastThrottleIncrement() < DNSConstants.PROBE_THROTTLE_COUNT_INTERVAL) {
            dns.setThrottle(dns.getThrottle() + 1);
        } else {
            dns.setThrottle(1);
        }
        dns.setLastThrottleIncrement(now);

        if (dns.isCanceling() || dns.isCanceled()) {
            return;
        }
        if (dns.getThrottle() < DNSConstants.PROBE_THROTTLE_COUNT) {
            timer.schedule(this, JmDNSImpl.getRandom().nextInt(1 + DNSConstants.PROBE_WAIT_INTERVAL), DNSConstants.PROBE_WAIT_INTERVAL);
        } else {
            timer.schedule(this, DNSConstants.PROBE_CONFLICT_INTERVAL, DNSConstants.PROBE_CONFLICT_INTERVAL);
        }
    }
}
