package dev.trustcontracts.reposerver.index;

/**
 * One page of a list, as a client asked for it: a search text, a sort field and direction, a page number
 * (from 1) and a page size. Already checked against the limits ({@link #MAX_SIZE}, {@link #MAX_QUERY}) by
 * whoever parsed it; a {@link Listing} checks the sort field against its own.
 *
 * @param q          the search text, empty for everything
 * @param sort       a sort field the listing knows, or null for its default
 * @param descending reverse order
 * @param page       1-based page number
 * @param size       items per page, 1..{@link #MAX_SIZE}
 */
public record ListQuery(String q, String sort, boolean descending, int page, int size) {
    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 200;
    /** Longer search texts are refused: no name or fingerprint is longer. */
    public static final int MAX_QUERY = 200;
    /** A page number beyond any list (10,000 contracts at a page size of 1 is 10,000 pages). */
    public static final int MAX_PAGE = 1_000_000;

    public ListQuery {
        q = q == null ? "" : q;
        if (page < 1 || page > MAX_PAGE || size < 1 || size > MAX_SIZE || q.length() > MAX_QUERY) {
            throw new IllegalArgumentException("page, size or q out of bounds");
        }
    }

    public static ListQuery first() {
        return new ListQuery("", null, false, 1, DEFAULT_SIZE);
    }

    /** The index of the first item of the page. */
    public long offset() {
        return (long) (page - 1) * size;
    }
}
