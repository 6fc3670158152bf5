package dev.lorehub.node.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.dashboard.http.DashboardHttpServer;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The running dashboard: the token, the model over the node, the HTTP server on 127.0.0.1, and the
 * live feed. On every change the model reports (events stored, sessions opened or closed, events
 * moving) the model samples what has no event of its own (conflicts, pending capture) and a new
 * snapshot is pushed to open pages, at most four times a second; besides, both happen every
 * {@value #TICK_MILLIS} ms (rates and "seconds ago" move without events). Snapshots are built on the dashboard's own thread, which waits
 * for the node thread to read the database; the browser never polls.
 */
public final class DashboardService implements AutoCloseable {
    static final long TICK_MILLIS = 2_000;
    private static final long MIN_GAP_MILLIS = 250;
    private static final long FIRST_DELAY_MILLIS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(DashboardService.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    private final NodeHome home;
    private final DashboardModel model;
    private final DashboardToken token;
    private final LongSupplier clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private DashboardHttpServer server;
    private volatile long lastPushAt;
    private volatile boolean closed;

    private DashboardService(NodeHome home, DashboardModel model, DashboardToken token, LongSupplier clock) {
        this.home = home;
        this.model = model;
        this.token = token;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lorehub-dashboard");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the dashboard of a running node, or returns null when node.json turns it off. A
     * configured port that is taken falls back to any free port (logged); the URL is in
     * {@code node/dashboard.json} either way.
     */
    public static DashboardService start(NodeRuntime runtime, NodeHome home, NodeConfig config) {
        if (!config.dashboard().enabled()) {
            return null;
        }
        SecureRandom random = new SecureRandom();
        DashboardToken token = DashboardToken.loadOrCreate(home, random);
        DashboardModel model = new RuntimeDashboardModel(runtime, config.alerts());
        DashboardService service = new DashboardService(home, model, token, System::currentTimeMillis);
        try {
            service.open(config.dashboard().port(), random, runtime);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    private void open(int port, SecureRandom random, NodeRuntime runtime) {
        LoginSessions sessions = new LoginSessions(random);
        DashboardRoutes[] routes = new DashboardRoutes[1];
        try {
            try {
                server = DashboardHttpServer.start(port, r -> routes[0].handle(r), executor, DashboardRoutes.SECURITY_HEADERS);
            } catch (RuntimeException e) {
                if (port == 0) {
                    throw e;
                }
                LOG.warn("Dashboard port {} is taken ({}); using a free port instead (see `lorehub-node dashboard`)", port,
                    e.getMessage());
                server = DashboardHttpServer.start(0, r -> routes[0].handle(r), executor, DashboardRoutes.SECURITY_HEADERS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted while starting the dashboard", NodeException.Reason.INTERNAL);
        } catch (RuntimeException e) {
            throw new NodeException("Cannot start the dashboard on 127.0.0.1: " + e.getMessage()
                + ". Turn it off with \"dashboard\": {\"enabled\": false} in " + home.config() + ".", NodeException.Reason.NETWORK);
        }
        routes[0] = new DashboardRoutes(server.port(), token, sessions, model, this::snapshotJson,
            () -> runtime.metrics().scrape(), clock);
        model.addListener(this::changed);
        executor.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        try {
            DashboardEndpoint.write(home, server.port());
        } catch (IOException e) {
            LOG.warn("Cannot write {}: {} (`lorehub-node dashboard` will not find the port)", DashboardEndpoint.file(home),
                e.getMessage());
        }
        LOG.info("Dashboard on http://127.0.0.1:{}/ (open it with `lorehub-node dashboard`)", server.port());
    }

    /** The dashboard's address, without the token. */
    public String url() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** The address that logs in: carries the secret token. */
    public String loginUrl() {
        return url() + "?token=" + token.value();
    }

    public int port() {
        return server.port();
    }

    /** The address listened on: 127.0.0.1 only. */
    public java.net.InetSocketAddress address() {
        return server.address();
    }

    private void changed() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(FIRST_DELAY_MILLIS, lastPushAt + MIN_GAP_MILLIS - clock.getAsLong());
        try {
            executor.schedule(this::push, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void tick() {
        try {
            model.tick();
            if (server != null && server.streams() > 0) {
                push();
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.debug("Dashboard tick failed: {}", e.toString());
            }
        }
    }

    private void push() {
        pending.set(false);
        if (closed || server == null) {
            return;
        }
        try {
            model.tick(); // conflicts appear and go only when events are stored: count them now, not at the next tick
            if (server.streams() == 0) {
                return;
            }
            String json = refresh();
            lastPushAt = clock.getAsLong();
            server.broadcast("snapshot", json);
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.debug("Dashboard update failed: {}", e.toString());
            }
        }
    }

    private String refresh() {
        try {
            return JSON.writeValueAsString(model.snapshot());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A snapshot taken now, as JSON (called on the dashboard thread): what a page or script asks for is never stale. */
    private String snapshotJson() {
        return refresh();
    }

    @Override
    public void close() {
        closed = true;
        DashboardEndpoint.remove(home);
        if (server != null) {
            server.close();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
