package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Wrapped keys inspected once are answered again from memory, and only for exactly the same bytes. */
class WrapInspectionsTest {
    private final SecureRandom random = SeededRandom.of(7);
    private final DeviceIdentity admin = DeviceIdentity.generate(random);
    private final DeviceIdentity member = DeviceIdentity.generate(random);
    private final RealmKeyring keyring = RealmKeyring.create(random);

    @Test
    void aWrapAlteredAfterItsOriginalWasInspectedIsStillRefused() {
        WrapInspections inspections = new WrapInspections(16);
        byte[] wrapped = KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random);
        KeyWrap.WrappedKeyInfo info = inspections.inspect(wrapped);
        assertThat(info).isEqualTo(KeyWrap.inspect(wrapped));
        assertThat(inspections.inspect(wrapped.clone())).as("the same bytes, another array").isEqualTo(info);

        byte[] forged = wrapped.clone();
        forged[forged.length - 1] ^= 1; // the signature no longer matches
        assertThat(inspections.inspect(forged)).isNull();
        assertThat(inspections.inspect(forged)).as("refused again from memory").isNull();

        wrapped[40] ^= 1; // the caller changes its array after asking: what was kept is a copy
        assertThat(inspections.inspect(wrapped)).as("the changed bytes are another wrap").isNull();
        wrapped[40] ^= 1;
        assertThat(inspections.inspect(wrapped)).isEqualTo(info);
    }

    @Test
    void itKeepsAtMostItsBound() {
        WrapInspections inspections = new WrapInspections(3);
        for (int i = 0; i < 5; i++) {
            inspections.inspect(KeyWrap.wrap(keyring.current(), member.publicKeys(), admin, random));
        }
        assertThat(inspections.size()).isEqualTo(3);
    }
}
