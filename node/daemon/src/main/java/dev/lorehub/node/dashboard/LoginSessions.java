package dev.lorehub.node.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the dashboard. Opening the URL with the token starts one: the cookie then
 * carries a random session id (not the token: browsers do not keep cookies apart by port, so a
 * cookie may reach another local server; a session id dies with the daemon and after a day), and
 * the page carries the session's own anti-CSRF value, which every POST must send back.
 */
final class LoginSessions {
    static final long LIFETIME_MILLIS = 24 * 3_600_000L;
    private static final int MAX = 64;

    private record Session(String csrf, long expiresAt) {
    }

    private final SecureRandom random;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    LoginSessions(SecureRandom random) {
        this.random = random;
    }

    /** A new session; returns its id. The oldest sessions go when there are too many. */
    String start(long now) {
        sessions.entrySet().removeIf(e -> e.getValue().expiresAt() <= now);
        if (sessions.size() >= MAX) {
            Iterator<Map.Entry<String, Session>> it = sessions.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(Session::expiresAt))).iterator();
            sessions.remove(it.next().getKey());
        }
        String id = randomValue();
        sessions.put(id, new Session(randomValue(), now + LIFETIME_MILLIS));
        return id;
    }

    /** The session's anti-CSRF value, or null when {@code id} names no live session. */
    String csrf(String id, long now) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        return s == null || s.expiresAt() <= now ? null : s.csrf();
    }

    boolean valid(String id, long now) {
        return csrf(id, now) != null;
    }

    static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
            b.getBytes(StandardCharsets.US_ASCII));
    }

    private String randomValue() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
