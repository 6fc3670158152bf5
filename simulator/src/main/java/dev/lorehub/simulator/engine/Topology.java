package dev.lorehub.simulator.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which pairs of nodes are paired (and so keep a connection). */
public enum Topology {
    /** Every pair. */
    MESH,
    /** Each node with its two neighbours on a circle. */
    RING,
    /** Node 0 (the realm's founder) with everyone, nobody else paired. */
    STAR,
    /** A chain 0-1-2-…: the longest paths, events relayed hop by hop. */
    LINE;

    /** The edges for {@code n} nodes, as {@code {a, b}} with {@code a < b}, in a fixed order. */
    public List<int[]> edges(int n) {
        List<int[]> edges = new ArrayList<>();
        switch (this) {
            case MESH -> {
                for (int a = 0; a < n; a++) {
                    for (int b = a + 1; b < n; b++) {
                        edges.add(new int[] {a, b});
                    }
                }
            }
            case RING -> {
                for (int a = 0; a + 1 < n; a++) {
                    edges.add(new int[] {a, a + 1});
                }
                if (n > 2) {
                    edges.add(new int[] {0, n - 1});
                }
            }
            case STAR -> {
                for (int b = 1; b < n; b++) {
                    edges.add(new int[] {0, b});
                }
            }
            case LINE -> {
                for (int a = 0; a + 1 < n; a++) {
                    edges.add(new int[] {a, a + 1});
                }
            }
            default -> throw new IllegalStateException();
        }
        return edges;
    }

    /** Parses a topology name (mesh, full-mesh, ring, star, line). */
    public static Topology parse(String text) {
        String t = text.toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "mesh", "full-mesh", "fullmesh", "full" -> MESH;
            case "ring" -> RING;
            case "star" -> STAR;
            case "line", "chain" -> LINE;
            default -> throw new IllegalArgumentException("unknown topology '" + text + "': use mesh, ring, star or line");
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
