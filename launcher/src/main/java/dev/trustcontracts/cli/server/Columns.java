package dev.trustcontracts.cli.server;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table printed as aligned columns, two spaces apart, the last column unpadded (it may be long). */
final class Columns {
    private final List<String[]> rows = new ArrayList<>();
    private final int width;

    Columns(String... header) {
        this.width = header.length;
        rows.add(header);
    }

    Columns row(Object... cells) {
        if (cells.length != width) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + width);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null || c.toString().isEmpty() ? "-" : oneLine(c.toString()))
                .toArray(String[]::new));
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    void print(PrintWriter out) {
        int[] w = new int[width];
        for (String[] r : rows) {
            for (int i = 0; i < width; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width; i++) {
                line.append(i == width - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Text from the server is data: a newline in a commit subject must not forge a row. */
    static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }
}
