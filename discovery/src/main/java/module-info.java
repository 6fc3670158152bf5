/**
 * Finding peers on the local network by mDNS/DNS-SD (JmDNS), bound to the interfaces it is given.
 * Only {@code dev.lorehub.discovery} is API; {@code dev.lorehub.discovery.internal} is not exported.
 */
module dev.lorehub.discovery {
    requires javax.jmdns;
    requires org.slf4j;

    exports dev.lorehub.discovery;
}
