package dev.lorehub.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A fixture that builds its own Jackson mapper: {@code SharedJsonMapperTest} proves its rule catches it. */
public final class OwnObjectMapper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OwnObjectMapper() {
    }

    public static String write(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }
}
