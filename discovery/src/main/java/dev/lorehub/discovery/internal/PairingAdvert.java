package dev.lorehub.discovery.internal;

/** The validated content of a pairing advertisement's TXT record; the nameplate is lower-cased. */
record PairingAdvert(String nameplate, int protocolVersion) {
}
