package dev.trustcontracts.reposerver.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A list that pages, searches and sorts without per-request work beyond one pass: built once (per index
 * snapshot for what comes from main), it keeps every item's search text in lower case and one index
 * permutation per sort field. A page without a search is an array slice; a search is one scan over
 * strings already made, allocating nothing per item that does not land on the page.
 *
 * <p>Search: the text (case-insensitive) is a substring of one of an item's words (names), or, when it is
 * hex digits with or without colons, a prefix of one of its fingerprints.
 *
 * @param <T> the item type
 */
public final class Listing<T> {
    /** What an item is found by: its words (names, matched as substrings) and fingerprints (hex, by prefix). */
    public record Terms(List<String> words, List<String> fingerprints) {
        public static Terms of(List<String> words, List<String> fingerprints) {
            return new Terms(words, fingerprints);
        }
    }

    /** One page of the answer. {@code total} counts every match over all pages. */
    public record Page<T>(List<T> items, int total, ListQuery query, String sort) {
        public int pages() {
            return total == 0 ? 1 : (total + query.size() - 1) / query.size();
        }
    }

    /** A sort field refused: the message names the field and the ones that exist. */
    public static final class UnknownSort extends RuntimeException {
        UnknownSort(String message) {
            super(message);
        }
    }

    private final List<T> items;
    private final String[][] words;
    private final String[][] hex;
    private final Map<String, int[]> orders;
    private final String defaultSort;

    /**
     * @param items the items
     * @param terms what each item is found by
     * @param sorts the sort fields, each a comparator (ties keep the items' given order); the first is the default
     */
    public Listing(List<T> items, Function<T, Terms> terms, Map<String, Comparator<T>> sorts) {
        this.items = List.copyOf(items);
        int n = this.items.size();
        this.words = new String[n][];
        this.hex = new String[n][];
        for (int i = 0; i < n; i++) {
            Terms t = terms.apply(this.items.get(i));
            words[i] = t.words().stream().map(w -> w.toLowerCase(Locale.ROOT)).toArray(String[]::new);
            hex[i] = t.fingerprints().stream().map(h -> h.toLowerCase(Locale.ROOT)).toArray(String[]::new);
        }
        Map<String, int[]> o = new LinkedHashMap<>();
        for (var e : sorts.entrySet()) {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Comparator<T> c = e.getValue();
            Arrays.sort(idx, (a, b) -> c.compare(this.items.get(a), this.items.get(b))); // stable
            o.put(e.getKey(), Arrays.stream(idx).mapToInt(Integer::intValue).toArray());
        }
        this.orders = Collections.unmodifiableMap(o);
        this.defaultSort = sorts.keySet().iterator().next();
    }

    public int size() {
        return items.size();
    }

    /** The sort fields, the default first. */
    public Set<String> sorts() {
        return orders.keySet();
    }

    /** The items in the order of a sort field, ascending (for callers that need more than a page). */
    public List<T> all(String sort) {
        int[] order = order(sort);
        List<T> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(items.get(i));
        }
        return out;
    }

    public Page<T> find(ListQuery q) {
        String sort = q.sort() == null ? defaultSort : q.sort();
        int[] order = order(sort);
        int n = order.length;
        long from = q.offset();
        long to = from + q.size();
        List<T> page = new ArrayList<>(Math.min(q.size(), n));
        String text = q.q().strip().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            for (long k = from; k < Math.min(to, n); k++) {
                page.add(items.get(order[q.descending() ? n - 1 - (int) k : (int) k]));
            }
            return new Page<>(page, n, q, sort);
        }
        String prefix = hexPrefix(text);
        int total = 0;
        for (int k = 0; k < n; k++) {
            int i = order[q.descending() ? n - 1 - k : k];
            if (matches(i, text, prefix)) {
                if (total >= from && total < to) {
                    page.add(items.get(i));
                }
                total++;
            }
        }
        return new Page<>(page, total, q, sort);
    }

    private int[] order(String sort) {
        int[] order = orders.get(sort);
        if (order == null) {
            throw new UnknownSort("cannot sort by '" + sort + "': sort is one of " + String.join(", ", orders.keySet()));
        }
        return order;
    }

    private boolean matches(int i, String text, String prefix) {
        for (String w : words[i]) {
            if (w.contains(text)) {
                return true;
            }
        }
        if (prefix != null) {
            for (String h : hex[i]) {
                if (h.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The search text as a fingerprint prefix (colons dropped, as {@code openssl x509 -fingerprint} prints them), or null. */
    static String hexPrefix(String lower) {
        StringBuilder b = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == ':') {
                continue;
            }
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return null;
            }
            b.append(c);
        }
        return b.length() == 0 ? null : b.toString();
    }
}
