package dev.lorehub.crypto.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 256 words of pairing codes (8 secret bits each), written for this project and chosen for
 * typo detection: every two words differ by an edit distance of at least 3 (insertions, deletions,
 * substitutions, swaps of neighbours) and no two share their first three letters. So a single typo
 * never turns one valid word into another: it is caught when the code is parsed, before the one
 * pairing attempt is spent, and it is one edit away from exactly one word, which can be suggested.
 * Words are common, concrete, lowercase ASCII, 4 to 8 letters. The tests check these properties.
 */
public final class WordList {
    private static final String[] WORDS = {
        "actor", "agent", "album", "alley", "alpha", "angle", "apron", "arch", "aspen", "atlas", "attic", "autumn",
        "axis", "badge", "bamboo", "banjo", "barn", "basket", "beacon", "beetle", "bell", "bench", "berry",
        "bicycle", "bison", "blossom", "bonnet", "border", "breeze", "brick", "bubble", "buffalo", "button", "buzz",
        "cactus", "cake", "camera", "canyon", "cargo", "castle", "cedar", "cement", "cereal", "chess", "circle",
        "citrus", "cliff", "cloud", "coast", "cocoa", "coin", "copper", "cougar", "crab", "cricket", "crystal",
        "cubic", "curtain", "cushion", "daisy", "dancer", "delta", "desert", "diamond", "dolphin", "dove", "drawer",
        "drum", "duck", "dynamo", "easel", "echo", "elbow", "ember", "emerald", "engine", "essay", "fabric",
        "falcon", "feather", "fiddle", "flag", "fork", "fossil", "frost", "galaxy", "garden", "gazelle", "geyser",
        "ginger", "giraffe", "glass", "gnome", "goblet", "grape", "guitar", "hammer", "harbor", "hawk", "helmet",
        "hiker", "hollow", "honey", "horizon", "hunter", "ibex", "igloo", "indigo", "inkwell", "inlet", "island",
        "ivory", "jaguar", "jasmine", "jersey", "jewel", "jigsaw", "jolly", "juniper", "kayak", "kingdom", "kiosk",
        "kite", "koala", "ladder", "lamp", "lantern", "laptop", "leaf", "lemon", "lentil", "lettuce", "library",
        "lilac", "linen", "lizard", "lobster", "loom", "lotus", "lunar", "lynx", "maple", "meadow", "mercury",
        "meteor", "mint", "mitten", "moss", "muffin", "mural", "mustard", "napkin", "nectar", "nest", "nickel",
        "noodle", "north", "nugget", "nutmeg", "nylon", "oboe", "ocean", "octopus", "olive", "onion", "opal",
        "opera", "orange", "orbit", "orchid", "osprey", "otter", "oxygen", "palace", "paper", "parrot", "pasta",
        "pearl", "pelican", "piano", "pigeon", "pilot", "pixel", "plaza", "polar", "pond", "poppy", "potato",
        "prairie", "prism", "pumpkin", "puzzle", "python", "quartz", "quill", "rabbit", "raccoon", "radio", "raven",
        "record", "reed", "rhino", "ribbon", "saffron", "sail", "sandal", "saturn", "school", "scooter", "shovel",
        "silver", "sketch", "slipper", "snow", "sofa", "spider", "sprout", "star", "stone", "summit", "sunset",
        "sweater", "syrup", "taco", "tadpole", "tempo", "thimble", "thorn", "trumpet", "tulip", "tunnel", "turtle",
        "twig", "umbrella", "unicorn", "vanilla", "violin", "volcano", "voyage", "vulture", "wagon", "waltz",
        "whale", "wheat", "whisk", "window", "wolf", "wombat", "wren", "yacht", "yeti", "yodel", "yogurt", "zebra",
        "zenith", "zigzag"
    };

    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < WORDS.length; i++) {
            INDEX.put(WORDS[i], i);
        }
    }

    private WordList() {
    }

    public static int size() {
        return WORDS.length;
    }

    public static String word(int index) {
        return WORDS[index];
    }

    /** Index of a (lowercase) word, or -1. */
    public static int indexOf(String word) {
        Integer i = INDEX.get(word);
        return i == null ? -1 : i;
    }

    public static List<String> all() {
        return List.of(WORDS);
    }

    /** The one word within a single edit of {@code typo}, or null. */
    public static String suggestion(String typo) {
        for (String w : WORDS) {
            if (editDistance(w, typo) <= 1) {
                return w;
            }
        }
        return null;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent letters each cost 1. */
    public static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
