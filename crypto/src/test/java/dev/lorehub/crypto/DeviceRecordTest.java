package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceRecordTest {
    private final DeviceIdentity identity = DeviceIdentity.generate(SeededRandom.of(51));

    @Test
    void createEncodeDecode() {
        DeviceRecord r = DeviceRecord.create(identity, "Anna's laptop ✓");
        assertThat(r.verified().id()).isEqualTo(identity.id());
        assertThat(DeviceRecord.decode(r.encode())).isEqualTo(r);
        assertThat(r.toString()).contains(identity.id().toString()).contains("Anna's laptop");
    }

    @Test
    void anyChangedByteIsRejected() {
        byte[] enc = DeviceRecord.create(identity, "desk").encode();
        for (int i = 0; i < enc.length; i++) {
            byte[] bad = enc.clone();
            bad[i] ^= 0x01;
            assertThatThrownBy(() -> DeviceRecord.decode(bad)).isInstanceOf(CryptoException.class);
        }
    }

    @Test
    void aRenamedRecordDoesNotVerify() {
        DeviceRecord r = DeviceRecord.create(identity, "desk");
        DeviceRecord renamed = new DeviceRecord(r.keys(), "evil", r.signature());
        assertThatThrownBy(renamed::verified).isInstanceOf(CryptoException.class).hasMessageContaining("not signed");
    }

    @Test
    void displayNameRules() {
        assertThat(DeviceRecord.create(identity, "").verified().displayName()).isEmpty();
        assertThat(DeviceRecord.create(identity, "x".repeat(64)).verified()).isNotNull();
        assertThatThrownBy(() -> DeviceRecord.create(identity, "x".repeat(65)))
            .isInstanceOf(CryptoException.class).hasMessageContaining("65").hasMessageContaining("64");
        assertThatThrownBy(() -> DeviceRecord.create(identity, "é".repeat(33))).isInstanceOf(CryptoException.class).hasMessageContaining("66");
        assertThatThrownBy(() -> DeviceRecord.create(identity, "bad\u001b[31mname")).isInstanceOf(CryptoException.class)
            .hasMessageContaining("control character");
        assertThatThrownBy(() -> DeviceRecord.create(identity, "\ud800")).isInstanceOf(CryptoException.class);
    }
}
