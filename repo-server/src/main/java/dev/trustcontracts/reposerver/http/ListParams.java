package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.reposerver.index.ListQuery;
import dev.trustcontracts.reposerver.index.Listing;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paging, search and sort parameters every list of the JSON API takes ({@code q}, {@code sort},
 * {@code order}, {@code page}, {@code size}), checked here so that a bad one is a {@code 400} with one line
 * naming it, and the head every list answer starts with.
 */
final class ListParams {
    private ListParams() {
    }

    static ListQuery parse(Context ctx) {
        String q = ctx.queryParam("q");
        if (q != null && q.length() > ListQuery.MAX_QUERY) {
            throw new ApiException(400, "q is longer than " + ListQuery.MAX_QUERY + " characters");
        }
        String sort = ctx.queryParam("sort");
        if (sort != null && sort.isEmpty()) {
            sort = null;
        }
        if (sort != null && !sort.matches("[A-Za-z]{1,32}")) {
            throw new ApiException(400, "sort must be a field name (letters only)");
        }
        String order = ctx.queryParam("order");
        boolean descending;
        if (order == null || order.isEmpty() || order.equals("asc")) {
            descending = false;
        } else if (order.equals("desc")) {
            descending = true;
        } else {
            throw new ApiException(400, "order must be asc or desc");
        }
        int page = number(ctx, "page", 1, 1, ListQuery.MAX_PAGE);
        int size = number(ctx, "size", ListQuery.DEFAULT_SIZE, 1, ListQuery.MAX_SIZE);
        return new ListQuery(q, sort, descending, page, size);
    }

    private static int number(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        int n;
        try {
            n = v.length() > 9 ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw new ApiException(400, name + " must be a whole number from " + min + " to " + max);
        }
        return n;
    }

    /** A page of a listing; an unknown sort field is a 400 naming the known ones. */
    static <T> Listing.Page<T> find(Listing<T> listing, ListQuery q) {
        try {
            return listing.find(q);
        } catch (Listing.UnknownSort e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    /**
     * The answer to a list request: what was asked, where the page is, the total, then the items under
     * their usual key ({@code contracts}, {@code zones}, ...).
     */
    static Map<String, Object> answer(Map<String, Object> head, Listing.Page<?> page, String key, List<?> items) {
        Map<String, Object> m = new LinkedHashMap<>(head);
        ListQuery q = page.query();
        m.put("q", q.q());
        m.put("sort", page.sort());
        m.put("order", q.descending() ? "desc" : "asc");
        m.put("page", q.page());
        m.put("size", q.size());
        m.put("total", page.total());
        m.put("pages", page.pages());
        m.put(key, items);
        return m;
    }
}
