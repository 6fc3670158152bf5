package dev.lorehub.node.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module descriptors the compiler enforced, read back from the class path: each module exports
 * exactly its API packages (the {@code internal} packages stay hidden), and the core needs neither
 * Netty nor JmDNS. A package exported by mistake, or a transport dependency creeping into the core,
 * fails here as well as in review.
 */
class ModuleBoundariesTest {

    @Test
    void eachModuleExportsOnlyItsApi() throws IOException {
        Map<String, ModuleDescriptor> ours = ourModules();
        assertThat(ours).containsKeys("dev.lorehub.crypto", "dev.lorehub.merkle", "dev.lorehub.discovery",
            "dev.lorehub.node.core", "dev.lorehub.node");
        assertThat(exports(ours.get("dev.lorehub.crypto"))).containsExactly("dev.lorehub.crypto");
        assertThat(exports(ours.get("dev.lorehub.merkle"))).containsExactly("dev.lorehub.merkle");
        assertThat(exports(ours.get("dev.lorehub.discovery"))).containsExactly("dev.lorehub.discovery");
        assertThat(exports(ours.get("dev.lorehub.node.core"))).containsExactlyInAnyOrder(
            "dev.lorehub.node.core", "dev.lorehub.node.endpoint", "dev.lorehub.node.json", "dev.lorehub.node.store",
            "dev.lorehub.node.store.query", "dev.lorehub.node.sync");
        assertThat(exports(ours.get("dev.lorehub.node"))).containsExactly("dev.lorehub.node.cli");
        // what is hidden really exists (a rename would otherwise make the check above vacuous)
        assertThat(ours.get("dev.lorehub.crypto").packages()).contains("dev.lorehub.crypto.internal");
        assertThat(ours.get("dev.lorehub.merkle").packages()).contains("dev.lorehub.merkle.internal");
        assertThat(ours.get("dev.lorehub.discovery").packages()).contains("dev.lorehub.discovery.internal");
    }

    @Test
    void theCoreRequiresNoNetworkLibrary() throws IOException {
        Set<String> requires = ourModules().get("dev.lorehub.node.core").requires().stream()
            .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(requires).isNotEmpty().noneMatch(m -> m.startsWith("io.netty") || m.equals("javax.jmdns")
            || m.equals("dev.lorehub.discovery") || m.equals("dev.lorehub.node"));
    }

    private static Set<String> exports(ModuleDescriptor d) {
        return d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    }

    /** Every module-info.class of ours on the class path (each module's classes directory or jar). */
    private static Map<String, ModuleDescriptor> ourModules() throws IOException {
        Map<String, ModuleDescriptor> found = new TreeMap<>();
        for (URL url : Collections.list(ModuleBoundariesTest.class.getClassLoader().getResources("module-info.class"))) {
            try (InputStream in = url.openStream()) {
                ModuleDescriptor d = ModuleDescriptor.read(in);
                if (d.name().startsWith("dev.lorehub.")) {
                    found.put(d.name(), d);
                }
            }
        }
        return found;
    }
}
