package dev.trustcontracts.reposerver.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link Listing}: search by word substring and fingerprint prefix, both orders, pages past the end. */
class ListingTest {
    record Item(String name, String zone, String hash, int n) {
    }

    static final List<Item> ITEMS = List.of(
            new Item("alpha", "red", "ab12cd", 3),
            new Item("beta", "Blue", "ab34ef", 1),
            new Item("gamma", "red", "ff0011", 2),
            new Item("delta", "green", "00ab12", 2));

    static Listing<Item> listing() {
        Map<String, Comparator<Item>> sorts = new LinkedHashMap<>();
        sorts.put("name", Comparator.comparing(Item::name));
        sorts.put("n", Comparator.comparingInt(Item::n));
        return new Listing<>(ITEMS, i -> Listing.Terms.of(List.of(i.name(), i.zone()), List.of(i.hash())), sorts);
    }

    static List<String> names(Listing.Page<Item> p) {
        return p.items().stream().map(Item::name).toList();
    }

    @ParameterizedTest(name = "q={0}")
    @CsvSource(delimiter = '|', value = {
            "''|alpha,beta,delta,gamma",
            "ALP|alpha",
            "red|alpha,gamma",
            "blue|beta",
            "ab|alpha,beta",              // 'ab' is hex: a prefix of two fingerprints, not the 'ab' inside 00ab12
            "AB:12|alpha",
            "ab:12:cd|alpha",
            "12cd|''",                     // not a prefix
            "ta|beta,delta",               // substring of names
            "'  gamma  '|gamma",           // spaces around are not part of the search
            "zzz|''",
    })
    void searchMatchesWordsBySubstringAndFingerprintsByPrefix(String q, String expected) {
        List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
        Listing.Page<Item> p = listing().find(new ListQuery(q, null, false, 1, 50));
        assertThat(names(p)).isEqualTo(want);
        assertThat(p.total()).isEqualTo(want.size());
    }

    @Test
    void sortsBothWaysAndKeepsTiesInTheGivenOrder() {
        Listing<Item> l = listing();
        assertThat(names(l.find(new ListQuery("", "n", false, 1, 50)))).containsExactly("beta", "gamma", "delta", "alpha");
        assertThat(names(l.find(new ListQuery("", "n", true, 1, 50)))).containsExactly("alpha", "delta", "gamma", "beta");
        assertThat(names(l.find(new ListQuery("", null, true, 1, 50)))).containsExactly("gamma", "delta", "beta", "alpha");
        assertThatThrownBy(() -> l.find(new ListQuery("", "zone", false, 1, 50)))
                .isInstanceOf(Listing.UnknownSort.class).hasMessage("cannot sort by 'zone': sort is one of name, n");
    }

    @Test
    void pagesSliceTheMatchesAndCountThemAll() {
        Listing<Item> l = listing();
        Listing.Page<Item> second = l.find(new ListQuery("", null, false, 2, 3));
        assertThat(names(second)).containsExactly("gamma");
        assertThat(second.pages()).isEqualTo(2);
        Listing.Page<Item> searched = l.find(new ListQuery("a", null, false, 2, 1)); // 'a' is hex: also fingerprints
        assertThat(searched.total()).isEqualTo(4);
        assertThat(names(searched)).containsExactly("beta");
        Listing.Page<Item> past = l.find(new ListQuery("", null, false, 9, 3));
        assertThat(past.items()).isEmpty();
        assertThat(past.total()).isEqualTo(4);
        assertThat(l.find(new ListQuery("zzz", null, false, 1, 3)).pages()).isEqualTo(1);
    }

    @Test
    void queriesOutOfBoundsCannotBeMade() {
        assertThatThrownBy(() -> new ListQuery("", null, false, 0, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListQuery("", null, false, 1, ListQuery.MAX_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListQuery("x".repeat(ListQuery.MAX_QUERY + 1), null, false, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
