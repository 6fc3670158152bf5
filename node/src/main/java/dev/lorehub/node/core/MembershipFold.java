package dev.lorehub.node.core;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceKeys;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Folds a realm's membership events, in (HLC, id) order, into a {@link Membership}: a
 * deterministic function of the set of events.
 *
 * <p>Rules: the first GENESIS whose author is the founder the realm id was derived from
 * ({@link RealmIds}) starts the realm with that device as admin; every other membership event
 * needs an author who is an admin at that point. ADD needs the subject's verified public keys.
 * SET_ROLE and REMOVE never leave the realm without an admin. ROTATE must name an epoch not used
 * before; the current epoch is that of the last valid rotation in (HLC, id) order. Two admins who
 * rotate concurrently (picking different epoch numbers, see {@code Replica#rotateKey}) both keep
 * their rotation valid, so every member can read what either wrote under its new key.
 * Invalid events are skipped, with a reason.
 */
public final class MembershipFold {
    private MembershipFold() {
    }

    public static Membership fold(RealmId realm, Collection<MembershipEvent> events) {
        List<MembershipEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(MembershipEvent::hlc).thenComparing(MembershipEvent::id));
        DeviceId founder = null;
        TreeMap<DeviceId, Membership.Member> members = new TreeMap<>();
        List<Membership.Transition> transitions = new ArrayList<>();
        Map<DeviceId, List<byte[]>> wraps = new HashMap<>();
        Set<DeviceId> keyHolders = new HashSet<>();
        Map<EventId, String> rejected = new LinkedHashMap<>();
        int epoch = 0;
        Set<Integer> usedEpochs = new HashSet<>(Set.of(0));
        EventId last = null;
        for (MembershipEvent e : ordered) {
            if (e.id().equals(last)) {
                continue;
            }
            last = e.id();
            MembershipChange c = e.change();
            String problem;
            if (founder == null) {
                problem = c.op() != MembershipChange.Op.GENESIS ? "the realm has not been founded yet" : checkGenesis(realm, e);
                if (problem == null) {
                    founder = e.author();
                    members.put(founder, new Membership.Member(founder, Role.ADMIN, c.subjectKeys()));
                    keyHolders.add(founder);
                }
            } else {
                Membership.Member author = members.get(e.author());
                if (author == null || author.role() != Role.ADMIN) {
                    problem = "author " + e.author().shortForm() + " is not an admin at that point";
                } else {
                    problem = switch (c.op()) {
                        case GENESIS -> "the realm was already founded";
                        case ADD -> add(realm, e, members, wraps, usedEpochs);
                        case SET_ROLE -> setRole(c, members);
                        case REMOVE -> remove(c, members);
                        case ROTATE -> {
                            if (usedEpochs.contains(c.epoch())) {
                                yield "rotation to epoch " + c.epoch() + ", which is already in use";
                            }
                            usedEpochs.add(c.epoch());
                            Set<DeviceId> recipients = acceptWraps(realm, e, c.epoch(), wraps);
                            epoch = c.epoch();
                            keyHolders.clear();
                            keyHolders.addAll(recipients);
                            yield null;
                        }
                    };
                    if (problem == null && c.op() == MembershipChange.Op.ADD && members.get(c.subject()).role().holdsKey()) {
                        if (hasWrapFor(realm, e, c.subject(), epoch)) {
                            keyHolders.add(c.subject());
                        }
                    }
                }
            }
            if (problem != null) {
                rejected.put(e.id(), problem);
                continue;
            }
            Map<DeviceId, Role> roles = new HashMap<>();
            members.values().forEach(m -> roles.put(m.device(), m.role()));
            transitions.add(new Membership.Transition(e.hlc(), e.id(), Map.copyOf(roles)));
        }
        return new Membership(realm, founder, members, transitions, epoch, wraps, keyHolders, rejected);
    }

    private static String checkGenesis(RealmId realm, MembershipEvent e) {
        MembershipChange c = e.change();
        if (!c.subject().equals(e.author()) || c.role() != Role.ADMIN) {
            return "GENESIS must make its author an admin";
        }
        if (!RealmIds.matches(realm, e.author(), c.nonce())) {
            return "GENESIS author " + e.author().shortForm() + " is not the founder this realm id was derived from";
        }
        return keysProblem(c);
    }

    private static String add(RealmId realm, MembershipEvent e, Map<DeviceId, Membership.Member> members,
                              Map<DeviceId, List<byte[]>> wraps, Set<Integer> usedEpochs) {
        MembershipChange c = e.change();
        String problem = keysProblem(c);
        if (problem != null) {
            return problem;
        }
        members.put(c.subject(), new Membership.Member(c.subject(), c.role(), c.subjectKeys()));
        for (byte[] w : c.wrappedKeys()) {
            KeyWrap.WrappedKeyInfo info = inspect(w);
            if (info != null && info.realm().equals(realm) && info.admin().equals(e.author())
                && info.recipient().equals(c.subject()) && usedEpochs.contains(info.epoch())) {
                wraps.computeIfAbsent(c.subject(), k -> new ArrayList<>()).add(w);
            }
        }
        return null;
    }

    private static boolean hasWrapFor(RealmId realm, MembershipEvent e, DeviceId subject, int epoch) {
        for (byte[] w : e.change().wrappedKeys()) {
            KeyWrap.WrappedKeyInfo info = inspect(w);
            if (info != null && info.realm().equals(realm) && info.recipient().equals(subject) && info.epoch() == epoch) {
                return true;
            }
        }
        return false;
    }

    private static Set<DeviceId> acceptWraps(RealmId realm, MembershipEvent e, int newEpoch, Map<DeviceId, List<byte[]>> wraps) {
        Set<DeviceId> recipients = new HashSet<>();
        recipients.add(e.author());
        for (byte[] w : e.change().wrappedKeys()) {
            KeyWrap.WrappedKeyInfo info = inspect(w);
            if (info != null && info.realm().equals(realm) && info.admin().equals(e.author()) && info.epoch() == newEpoch) {
                wraps.computeIfAbsent(info.recipient(), k -> new ArrayList<>()).add(w);
                recipients.add(info.recipient());
            }
        }
        return recipients;
    }

    private static String setRole(MembershipChange c, Map<DeviceId, Membership.Member> members) {
        Membership.Member m = members.get(c.subject());
        if (m == null) {
            return "device " + c.subject().shortForm() + " is not a member";
        }
        if (m.role() == Role.ADMIN && c.role() != Role.ADMIN && admins(members) == 1) {
            return "cannot demote the last admin";
        }
        members.put(c.subject(), new Membership.Member(c.subject(), c.role(), m.encodedKeys()));
        return null;
    }

    private static String remove(MembershipChange c, Map<DeviceId, Membership.Member> members) {
        Membership.Member m = members.get(c.subject());
        if (m == null) {
            return "device " + c.subject().shortForm() + " is not a member";
        }
        if (m.role() == Role.ADMIN && admins(members) == 1) {
            return "cannot remove the last admin";
        }
        members.remove(c.subject());
        return null;
    }

    private static long admins(Map<DeviceId, Membership.Member> members) {
        return members.values().stream().filter(m -> m.role() == Role.ADMIN).count();
    }

    private static String keysProblem(MembershipChange c) {
        try {
            DeviceKeys keys = DeviceKeys.decode(c.subjectKeys());
            if (!keys.id().equals(c.subject())) {
                return "the public keys given are not those of device " + c.subject().shortForm();
            }
            return null;
        } catch (CryptoException e) {
            return "the subject's public keys do not verify: " + e.getMessage();
        }
    }

    private static KeyWrap.WrappedKeyInfo inspect(byte[] wrapped) {
        try {
            return KeyWrap.inspect(wrapped);
        } catch (CryptoException e) {
            return null;
        }
    }
}
