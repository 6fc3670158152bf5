/**
 * The LoreHub Sync daemon and its command line: it drives the sans-IO node ({@code dev.lorehub.node.core})
 * with Netty (TLS transport), discovery by mDNS, a control socket, the dashboard and metrics, remotes
 * (git, S3, PostgreSQL) and the service files. Nothing depends on this module; it exports only the
 * command line's entry point.
 */
module dev.lorehub.node {
    requires dev.lorehub.node.core;
    requires dev.lorehub.discovery;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.handler;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.jgit;
    requires org.eclipse.jgit.ssh.apache;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.utils;
    requires org.postgresql.jdbc;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires org.slf4j;
    // cli.LogSetup configures logback in code (no XML parsing at start-up).
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires java.net.http;

    exports dev.lorehub.node.cli;
    provides ch.qos.logback.classic.spi.Configurator with dev.lorehub.node.logging.LogSetup;
    // picocli fills the command classes' fields by reflection.
    opens dev.lorehub.node.cli to info.picocli;
    // Jackson builds the control socket's typed requests (records) by reflection.
    opens dev.lorehub.node.runtime to com.fasterxml.jackson.databind;
}
