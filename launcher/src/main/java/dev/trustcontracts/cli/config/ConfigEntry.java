package dev.trustcontracts.cli.config;

import java.util.List;

/**
 * One key of a configuration file as written, before it is matched against the command's options.
 *
 * @param key    the key as written
 * @param line   its line in the file (1-based)
 * @param kind   what YAML node the value is: the type check against the option comes later, once the key is known
 * @param values the scalar texts as written (one for a scalar, one per element for a list, none otherwise)
 */
record ConfigEntry(String key, int line, Kind kind, List<String> values) {
    enum Kind {
        /** a string or number scalar */
        SCALAR,
        /** YAML true or false */
        BOOLEAN,
        /** a list of scalars */
        LIST,
        /** nothing after the colon, or ~ / null */
        EMPTY,
        /** a nested mapping */
        MAPPING
    }

    ConfigEntry {
        values = List.copyOf(values);
    }
}
