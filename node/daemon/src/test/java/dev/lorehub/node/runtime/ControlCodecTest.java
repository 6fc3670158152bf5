package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control socket's wire: typed requests round-trip, the lines older CLIs wrote still decode, mistakes are named. */
class ControlCodecTest {

    @Test
    void everyRequestRoundTrips() {
        ObjectNode values = Json.object().put("content", "merged text").putNull("why").put("confidence", 0.5);
        List<ControlRequest> all = List.of(
            new ControlRequest.Invite(List.of("ab12"), "write", 600L),
            new ControlRequest.Join("42-olive-tunnel-ember", "127.0.0.1:7465"),
            new ControlRequest.Share("local-1"),
            new ControlRequest.MapRealm("ab12", "/projects/api"),
            new ControlRequest.Grant("ab12", "DEV1", "admin"),
            new ControlRequest.Revoke("ab12", "DEV1"),
            new ControlRequest.Unpair("DEV1"),
            new ControlRequest.Resolve("lore-1", values),
            new ControlRequest.DiscardUnsynced(null),
            new ControlRequest.SyncRemotes("team"),
            new ControlRequest.Status(),
            new ControlRequest.Peers(),
            new ControlRequest.Log(20, "1a2b", false),
            new ControlRequest.Conflicts(),
            new ControlRequest.Realms(),
            new ControlRequest.Lores("/projects/api"),
            new ControlRequest.Lore("1a2b"),
            new ControlRequest.Undo("lore-1", 1_700_000_000_000L, null, null),
            new ControlRequest.Seal("ab12"),
            new ControlRequest.AutoSeal(false),
            new ControlRequest.RestoreDone());
        assertThat(all.stream().map(Object::getClass).distinct())
            .as("one example of every request").hasSameSizeAs(ControlRequest.class.getPermittedSubclasses());
        for (ControlRequest r : all) {
            assertThat(ControlCodec.decode(ControlCodec.encode(r))).isEqualTo(r);
        }
    }

    /**
     * The streaming encoder writes exactly what the mapper writes for {@link ControlRequest}: every
     * request type, once with every component null and once with each set (strings with quotes and
     * non-ASCII, numbers, lists, a JSON object).
     */
    @Test
    void theEncoderWritesWhatTheMapperWrites() throws Exception {
        com.fasterxml.jackson.databind.ObjectWriter mapper = Json.MAPPER.writerFor(ControlRequest.class);
        int compared = 0;
        for (Class<?> type : ControlRequest.class.getPermittedSubclasses()) {
            java.lang.reflect.RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = java.util.Arrays.stream(components).map(java.lang.reflect.RecordComponent::getType)
                .toArray(Class<?>[]::new);
            java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor(types);
            for (boolean filled : new boolean[] {false, true}) {
                Object[] args = new Object[components.length];
                for (int i = 0; filled && i < args.length; i++) {
                    args[i] = sample(types[i], i);
                }
                ControlRequest r = (ControlRequest) constructor.newInstance(args);
                assertThat(ControlCodec.encode(r)).as(r.toString()).isEqualTo(mapper.writeValueAsString(r));
                assertThat(ControlCodec.decode(ControlCodec.encode(r))).isEqualTo(r);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(2 * ControlRequest.class.getPermittedSubclasses().length);
    }

    private static Object sample(Class<?> type, int i) {
        if (type == String.class) {
            return "v" + i + " \"quoted\" caf\u00e9 \u2603\n";
        } else if (type == Long.class) {
            return -1_700_000_000_000L - i;
        } else if (type == Integer.class) {
            return -2_000_000_000 + i;
        } else if (type == Boolean.class) {
            return i % 2 == 0;
        } else if (type == List.class) {
            return List.of("a" + i, "b\"");
        } else if (type == ObjectNode.class) {
            return Json.object().put("content", "x").putNull("why").put("confidence", 0.25);
        }
        throw new AssertionError("no sample for " + type + ": extend this test and ControlCodec.writeValue");
    }

    @Test
    void theWireIsTheOneOlderClientsWrote() {
        assertThat(ControlCodec.encode(new ControlRequest.Status())).isEqualTo("{\"op\":\"status\"}");
        assertThat(ControlCodec.encode(new ControlRequest.Unpair("DEV1"))).isEqualTo("{\"op\":\"unpair\",\"device\":\"DEV1\"}");
        assertThat(ControlCodec.encode(new ControlRequest.DiscardUnsynced(null))).isEqualTo("{\"op\":\"discardUnsynced\"}");

        assertThat(ControlCodec.decode("{\"op\":\"invite\",\"role\":\"read\",\"realms\":[\"ab\",\"cd\"]}"))
            .isEqualTo(new ControlRequest.Invite(List.of("ab", "cd"), "read", null));
        assertThat(ControlCodec.decode("{\"op\":\"undo\",\"realm\":\"ab\",\"toMillis\":5}"))
            .isEqualTo(new ControlRequest.Undo(null, 5L, null, "ab"));
        assertThat(ControlCodec.decode("{\"op\":\"autoSeal\",\"on\":true}")).isEqualTo(new ControlRequest.AutoSeal(true));
        assertThat(ControlCodec.decode("{\"op\":\"join\",\"code\":\"42-a-b-c\",\"peer\":null}"))
            .isEqualTo(new ControlRequest.Join("42-a-b-c", null));
        ControlRequest.Resolve resolve = (ControlRequest.Resolve) ControlCodec.decode(
            "{\"op\":\"resolve\",\"lore\":\"l1\",\"values\":{\"content\":\"x\",\"why\":null}}");
        assertThat(resolve.values().get("why").isNull()).as("a null value stays a JSON null (clears the field)").isTrue();
        assertThat(ControlCodec.op(resolve)).isEqualTo("resolve");
    }

    @Test
    void anUnknownOperationIsRefusedByName() {
        assertThatThrownBy(() -> ControlCodec.decode("{\"op\":\"teleport\",\"to\":\"mars\"}"))
            .isInstanceOf(NodeException.class)
            .hasMessageContaining("unknown operation 'teleport'")
            .hasMessageContaining("restart it")
            .satisfies(e -> assertThat(((NodeException) e).exitCode()).isEqualTo(NodeException.Reason.USAGE.exitCode()));
    }

    @Test
    void aMissingOpAFieldTheNodeDoesNotKnowAndBrokenJsonAreNamed() {
        assertThatThrownBy(() -> ControlCodec.decode("{\"device\":\"DEV1\"}"))
            .isInstanceOf(NodeException.class).hasMessageContaining("names no \"op\"");
        assertThatThrownBy(() -> ControlCodec.decode("{\"op\":\"unpair\",\"device\":\"DEV1\",\"force\":true}"))
            .isInstanceOf(NodeException.class).hasMessageContaining("does not understand the field 'force'");
        assertThatThrownBy(() -> ControlCodec.decode("{\"op\":\"unpair\","))
            .isInstanceOf(NodeException.class).hasMessageContaining("Malformed control request");
    }

    @Test
    void aLineIsReadWithABoundBeforeAnythingIsDecoded() throws Exception {
        assertThat(ControlCodec.readLine(new StringReader("{\"op\":\"connections\"}\r\nrest"), 100))
            .isEqualTo("{\"op\":\"connections\"}");
        assertThat(ControlCodec.readLine(new StringReader(""), 100)).isNull();
        assertThat(ControlCodec.readLine(new StringReader("x".repeat(100)), 100)).hasSize(100);

        CountingReader endless = new CountingReader();
        assertThatThrownBy(() -> ControlCodec.readLine(endless, 1000)).isInstanceOf(ControlCodec.LineTooLongException.class);
        assertThat(endless.read).as("stops reading at the bound").isEqualTo(1001);
    }

    /** An endless line without a newline, counting what is read from it. */
    private static final class CountingReader extends java.io.Reader {
        long read;

        @Override
        public int read(char[] buf, int off, int len) {
            buf[off] = 'x';
            read++;
            return 1;
        }

        @Override
        public void close() {
        }
    }
}
