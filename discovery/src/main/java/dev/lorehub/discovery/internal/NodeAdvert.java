package dev.lorehub.discovery.internal;

/** The validated content of a node's TXT record. */
record NodeAdvert(String deviceId, String displayName, int protocolVersion) {
}
