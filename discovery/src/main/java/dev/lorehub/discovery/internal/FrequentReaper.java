package dev.lorehub.discovery.internal;

import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.tasks.RecordReaper;
import java.util.Timer;

/**
 * JmDNS's cache reaper every second instead of every 10 s. Reaping is what turns an expired record — a
 * peer's goodbye (TTL 0, kept 1 s) or a TTL that ran out — into a "service removed" event, so this bounds
 * how late a departure is reported. The cache holds a handful of records; a pass is cheap.
 */
final class FrequentReaper extends RecordReaper {

    static final long PERIOD_MS = 1000;

    FrequentReaper(JmDNSImpl dns) {
        super(dns);
    }

    @Override
    public void start(Timer timer) {
        if (!getDns().isCanceling() && !getDns().isCanceled()) {
            timer.schedule(this, PERIOD_MS, PERIOD_MS);
        }
    }
}
