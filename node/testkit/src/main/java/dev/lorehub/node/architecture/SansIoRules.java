package dev.lorehub.node.architecture;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The build-time guard for DESIGN.md §4: a sans-IO protocol core never reads the wall clock,
 * never creates threads or executors and never draws from an unseeded random source. Time and
 * randomness are passed in, so the Netty driver and the deterministic simulator run the same code.
 *
 * <p>The forbidden accesses are listed as data rather than as many ArchUnit clauses so that a
 * violation report names exactly which call broke the rule, in one line per call.
 */
public final class SansIoRules {

    /** Packages that hold protocol cores (DESIGN.md §4); every class in them must be sans-IO. */
    public static final String[] SANS_IO_PACKAGES = {
        "dev.lorehub.merkle..",
        "dev.lorehub.crypto..",
        "dev.lorehub.node.core..",
        "dev.lorehub.node.sync..",
        "dev.lorehub.node.endpoint..",
        "dev.lorehub.simulator.engine..",
    };

    /** A forbidden target: owner class, member name ("&lt;init&gt;" for constructors), and the
     * parameter count that makes it forbidden (-1 means any). */
    record Forbidden(String owner, String member, int params, String why) {
        boolean matches(JavaAccess<?> access) {
            var target = access.getTarget();
            if (!target.getOwner().getName().equals(owner) || !target.getName().equals(member)) {
                return false;
            }
            if (params < 0) {
                return true;
            }
            if (target instanceof com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget code) {
                return code.getRawParameterTypes().size() == params;
            }
            return false;
        }
    }

    static final List<Forbidden> FORBIDDEN = List.of(
        new Forbidden("java.lang.System", "currentTimeMillis", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.lang.System", "nanoTime", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.Instant", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.LocalDateTime", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.LocalDate", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.LocalTime", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.ZonedDateTime", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.OffsetDateTime", "now", -1, "wall clock: take `now` as an argument"),
        new Forbidden("java.time.Clock", "systemUTC", -1, "wall clock: inject a clock"),
        new Forbidden("java.time.Clock", "systemDefaultZone", -1, "wall clock: inject a clock"),
        new Forbidden("java.util.Date", "<init>", 0, "wall clock: take `now` as an argument"),
        new Forbidden("java.lang.Thread", "<init>", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.lang.Thread", "start", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.lang.Thread", "ofVirtual", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.lang.Thread", "ofPlatform", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.lang.Thread", "sleep", -1, "a core never blocks: ask the driver for a timer"),
        new Forbidden("java.util.Timer", "<init>", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.util.concurrent.ForkJoinPool", "commonPool", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.util.concurrent.CompletableFuture", "supplyAsync", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.util.concurrent.CompletableFuture", "runAsync", -1, "threads belong to drivers, not cores"),
        new Forbidden("java.util.Random", "<init>", 0, "unseeded random: inject a random source"),
        new Forbidden("java.security.SecureRandom", "<init>", 0, "unseeded random: inject a random source"),
        new Forbidden("java.security.SecureRandom", "getInstanceStrong", -1, "unseeded random: inject a random source"),
        new Forbidden("java.lang.Math", "random", -1, "unseeded random: inject a random source"),
        new Forbidden("java.lang.StrictMath", "random", -1, "unseeded random: inject a random source"),
        new Forbidden("java.util.concurrent.ThreadLocalRandom", "current", -1, "unseeded random: inject a random source"),
        new Forbidden("java.util.UUID", "randomUUID", -1, "unseeded random: derive ids from an injected random source"));

    /** Any use of these types at all (constructing or calling) is forbidden in a core. */
    static final Set<String> FORBIDDEN_TYPES = Set.of(
        "java.util.concurrent.Executors",
        "java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.ScheduledThreadPoolExecutor",
        "java.util.concurrent.ForkJoinPool");

    private SansIoRules() {
    }

    /** The condition itself, usable on any set of classes (the architecture test applies it to
     * {@link #SANS_IO_PACKAGES}; a fixture test shows it fails on a bad class). */
    public static ArchCondition<JavaClass> beSansIo() {
        return new ArchCondition<>("be sans-IO (no wall clock, no threads or executors, no unseeded random)") {
            @Override
            public void check(JavaClass clazz, ConditionEvents events) {
                for (JavaAccess<?> access : clazz.getAccessesFromSelf()) {
                    String owner = access.getTarget().getOwner().getName();
                    if (FORBIDDEN_TYPES.contains(owner)) {
                        events.add(SimpleConditionEvent.violated(access,
                            access.getDescription() + " — threads belong to drivers, not cores"));
                        continue;
                    }
                    for (Forbidden f : FORBIDDEN) {
                        if (f.matches(access)) {
                            events.add(SimpleConditionEvent.violated(access, access.getDescription() + " — " + f.why()));
                        }
                    }
                }
            }
        };
    }

    /** The rule over the protocol-core packages. */
    public static ArchRule sansIoPackages() {
        return classes().that().resideInAnyPackage(SANS_IO_PACKAGES).should(beSansIo());
    }
}
