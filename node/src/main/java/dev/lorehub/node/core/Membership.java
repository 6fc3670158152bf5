package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * Who belongs to a realm, as folded by {@link MembershipFold} from its membership events: the
 * current members with their roles and keys, the role every device had at any point of the
 * (HLC, id) order, and the wrapped realm keys addressed to each device.
 */
public final class Membership {
    /** A member now. */
    public record Member(DeviceId device, Role role, byte[] encodedKeys) {
    }

    /** The roles in force from {@code key} (inclusive, in (HLC, id) order) until the next transition. */
    record Transition(long hlc, EventId event, Map<DeviceId, Role> roles) {
    }

    private final RealmId realm;
    private final DeviceId founder;
    private final SortedMap<DeviceId, Member> members;
    private final List<Transition> transitions;
    private final int currentEpoch;
    private final Map<DeviceId, List<byte[]>> wraps;
    private final Set<DeviceId> currentKeyHolders;
    private final Map<EventId, String> rejected;

    Membership(RealmId realm, DeviceId founder, SortedMap<DeviceId, Member> members, List<Transition> transitions,
               int currentEpoch, Map<DeviceId, List<byte[]>> wraps, Set<DeviceId> currentKeyHolders,
               Map<EventId, String> rejected) {
        this.realm = realm;
        this.founder = founder;
        this.members = Collections.unmodifiableSortedMap(members);
        this.transitions = List.copyOf(transitions);
        this.currentEpoch = currentEpoch;
        this.wraps = Map.copyOf(wraps);
        this.currentKeyHolders = Set.copyOf(currentKeyHolders);
        this.rejected = Map.copyOf(rejected);
    }

    public RealmId realm() {
        return realm;
    }

    /** The founder, once a valid GENESIS is known. */
    public Optional<DeviceId> founder() {
        return Optional.ofNullable(founder);
    }

    /** Current members by device id. */
    public SortedMap<DeviceId, Member> members() {
        return members;
    }

    /** A device's current role. */
    public Optional<Role> role(DeviceId device) {
        Member m = members.get(device);
        return m == null ? Optional.empty() : Optional.of(m.role());
    }

    /**
     * The role {@code device} had just before the event ({@code hlc}, {@code event}) in the
     * canonical (HLC, id) order; empty if it was not a member then.
     */
    public Optional<Role> roleAt(DeviceId device, long hlc, EventId event) {
        Transition inForce = null;
        for (Transition t : transitions) {
            int c = t.hlc() != hlc ? Long.compare(t.hlc(), hlc) : t.event().compareTo(event);
            if (c >= 0) {
                break;
            }
            inForce = t;
        }
        return inForce == null ? Optional.empty() : Optional.ofNullable(inForce.roles().get(device));
    }

    /** True if an event by {@code author} at that point changes the realm's data. */
    public boolean canWriteAt(DeviceId author, long hlc, EventId event) {
        return roleAt(author, hlc, event).map(Role::canWrite).orElse(false);
    }

    /** True if {@code device} has ever been a member (its events are worth keeping, even if not applied). */
    public boolean everMember(DeviceId device) {
        return transitions.stream().anyMatch(t -> t.roles().containsKey(device));
    }

    /** The newest valid key epoch. */
    public int currentEpoch() {
        return currentEpoch;
    }

    /** Wrapped realm keys addressed to {@code device} by valid ADD and ROTATE events, oldest first. */
    public List<byte[]> wrapsFor(DeviceId device) {
        return wraps.getOrDefault(device, List.of());
    }

    /**
     * True if a device that received the current epoch's key is no longer a key-holding member:
     * an admin must start a new epoch (a removal whose rotation lost a race, or was never made).
     */
    public boolean needsRotation() {
        for (DeviceId holder : currentKeyHolders) {
            Member m = members.get(holder);
            if (m == null || !m.role().holdsKey()) {
                return true;
            }
        }
        return false;
    }

    /** Key-holding members that lack the current epoch's key (an admin should wrap it for them). */
    public Set<DeviceId> missingCurrentKey() {
        java.util.TreeSet<DeviceId> missing = new java.util.TreeSet<>();
        for (Member m : members.values()) {
            if (m.role().holdsKey() && !currentKeyHolders.contains(m.device())) {
                missing.add(m.device());
            }
        }
        return missing;
    }

    /** Membership events that were not valid where they stand, with the reason. */
    public Map<EventId, String> rejected() {
        return rejected;
    }
}
