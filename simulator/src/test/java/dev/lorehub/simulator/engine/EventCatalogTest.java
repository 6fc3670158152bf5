package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog's index of entities with a delete, which the resurrection check walks instead of every entity. */
class EventCatalogTest {

    @Property(tries = 50)
    void theEntitiesWithADeleteAreExactlyThoseAmongAllWithADeleteEvent(@ForAll long seed, @ForAll @IntRange(max = 200) int count) {
        Random random = new Random(seed);
        RealmId realm = RealmId.fromBytes(new byte[RealmId.LENGTH]);
        DeviceId author = DeviceId.fromBytes(new byte[DeviceId.LENGTH]);
        EventCatalog catalog = new EventCatalog();
        List<EventCatalog.Info> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EntityKind kind = random.nextBoolean() ? EntityKind.LORE : EntityKind.RELATION;
            EntityChange change = new EntityChange(kind, "e" + random.nextInt(20), random.nextInt(5) == 0, List.of(),
                new TreeMap<>(), new TreeMap<>());
            // now and then the same id again: the catalog keeps the first
            EventId id = EventId.fromBytes(ByteBuffer.allocate(32).putInt(random.nextInt(3) == 0 ? random.nextInt(i + 1) : i).array());
            EventCatalog.Info info = new EventCatalog.Info(id, realm, i, author, change, null);
            catalog.add(info);
            if (added.stream().noneMatch(a -> a.id().equals(id))) {
                added.add(info);
            }
        }
        for (EntityKind kind : List.of(EntityKind.LORE, EntityKind.RELATION)) {
            List<String> expected = new ArrayList<>();
            for (String key : catalog.entities(kind)) {
                boolean anyDelete = added.stream().anyMatch(a -> EventCatalog.key(a.change().kind(), a.change().entityId())
                    .equals(key) && a.change().deleted());
                if (anyDelete) {
                    expected.add(key);
                }
            }
            assertThat(catalog.entitiesWithDelete(kind)).isEqualTo(expected);
        }
    }
}
