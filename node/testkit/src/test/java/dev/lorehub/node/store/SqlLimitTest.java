package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** No bare {@code LIMIT ?}: it makes SQLite prepare the statement again at every execution. */
class SqlLimitTest {

    @Test
    void theLimitIsABoundExpressionNotABareParameter() {
        assertThat(SqlLimit.PARAMETER).isEqualTo(" LIMIT ? + 0");
    }

    /** Every SQL text of the node core, in its string literals; a bare parameter after LIMIT or OFFSET fails. */
    @Test
    void noStatementOfTheNodeCoreHasABareLimitOrOffsetParameter() throws IOException {
        Pattern literal = Pattern.compile("\"([^\"\\\\]|\\\\.)*\"");
        Pattern bare = Pattern.compile("(?i)\\b(LIMIT|OFFSET)\\s+\\?(?!\\s*[-+*/])");
        List<String> hits = new ArrayList<>();
        Path sources = Path.of("../core/src/main/java");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = literal.matcher(lines.get(i));
                    while (m.find()) {
                        if (bare.matcher(m.group()).find()) {
                            hits.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertThat(hits).as("statements with a bare LIMIT or OFFSET parameter (use SqlLimit.PARAMETER)").isEmpty();
    }
}
