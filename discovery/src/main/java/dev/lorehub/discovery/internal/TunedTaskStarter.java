package dev.lorehub.discovery.internal;

import javax.jmdns.impl.DNSIncoming;
import javax.jmdns.impl.DNSTaskStarter;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.ServiceInfoImpl;
import javax.jmdns.impl.tasks.Responder;
import javax.jmdns.impl.tasks.resolver.ServiceInfoResolver;
import javax.jmdns.impl.tasks.resolver.ServiceResolver;
import javax.jmdns.impl.tasks.resolver.TypeResolver;
import javax.jmdns.impl.tasks.state.Renewer;
import java.net.InetAddress;
import java.util.Timer;

/**
 * Runs one JmDNS instance's tasks like JmDNS's own {@code DNSTaskStarterImpl} (same two timers, same task
 * classes, same message contents) except for when four of them fire.
 *
 * <p>Why: JmDNS 3.6.1 schedules the first probing of a new instance with its <em>conflict</em> interval
 * (three probes 1 s apart, because {@code Prober.start} takes the 250 ms path only once the host is already
 * announced), then waits another 1 s before the first announcement. A peer therefore first hears of us about
 * 4 s after start. RFC 6762 §8.1 asks for a random 0–250 ms, three probes 250 ms apart, and announcing 250 ms
 * after the third probe, i.e. 0.75–1.0 s; §8.3 then asks for a second announcement 1 s later. So:
 * <ul>
 *   <li>{@link PromptProber}: RFC probe timing from the start, keeping JmDNS's own throttle (after ten probe
 *   rounds within 5 s, e.g. a name-conflict storm, it falls back to 1 s as JmDNS does);</li>
 *   <li>{@link PromptAnnouncer}: first announcement 250 ms after the last probe, the second 1 s later;</li>
 *   <li>{@link QuickCanceler}: the three goodbye packets 250 ms apart instead of 1 s, so closing takes
 *   ~0.5 s instead of ~2 s (RFC 6762 §10.1 only asks for goodbyes to be sent);</li>
 *   <li>{@link FrequentReaper}: JmDNS reaps expired cache records (which is what reports a peer gone, after a
 *   goodbye — whose TTL is turned into 1 s — or after TTL expiry) every 10 s; we do it every second.</li>
 * </ul>
 * Resolvers (our queries), responders and the renewer keep JmDNS's timing.
 *
 * <p>Thread names start with {@code lorehub-mdns}; JmDNS cancels both timers when the instance closes.
 */
final class TunedTaskStarter implements DNSTaskStarter {

    private final JmDNSImpl dns;
    private final Timer timer;
    private final Timer stateTimer;

    TunedTaskStarter(JmDNSImpl dns) {
        this.dns = dns;
        // Daemon threads: a node that forgets to close discovery must still be able to exit.
        this.timer = new DNSTaskStarterImpl.StarterTimer("lorehub-mdns(" + dns.getName() + ").timer", true);
        this.stateTimer = new DNSTaskStarterImpl.StarterTimer("lorehub-mdns(" + dns.getName() + ").state", true);
    }

    @Override
    public void purgeTimer() {
        timer.purge();
    }

    @Override
    public void purgeStateTimer() {
        stateTimer.purge();
    }

    @Override
    public void cancelTimer() {
        timer.cancel();
    }

    @Override
    public void cancelStateTimer() {
        stateTimer.cancel();
    }

    @Override
    public void startProber() {
        new PromptProber(dns).start(stateTimer);
    }

    @Override
    public void startAnnouncer() {
        new PromptAnnouncer(dns).start(stateTimer);
    }

    @Override
    public void startRenewer() {
        new Renewer(dns).start(stateTimer);
    }

    @Override
    public void startCanceler() {
        new QuickCanceler(dns).start(stateTimer);
    }

    @Override
    public void startReaper() {
        new FrequentReaper(dns).start(timer);
    }

    @Override
    public void startServiceInfoResolver(ServiceInfoImpl info) {
        new ServiceInfoResolver(dns, info).start(timer);
    }

    @Override
    public void startTypeResolver() {
        new TypeResolver(dns).start(timer);
    }

    @Override
    public void startServiceResolver(String type) {
        new ServiceResolver(dns, type).start(timer);
    }

    @Override
    public void startResponder(DNSIncoming in, InetAddress addr, int port) {
        new Responder(dns, in, addr, port).start(timer);
    }
}
