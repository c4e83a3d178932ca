package dev.trustcontracts.reposerver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.testing.ManyContracts;
import dev.trustcontracts.testing.Browser;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI's lists in a real headless Chromium against one server holding {@value #COUNT} contracts between
 * {@value #ZONES} zones (the one such server of the test suite: its start verifies every contract): the first
 * page renders with its pager, typing in the search box narrows the list to the right contracts by name, zone
 * and fingerprint and puts the search in the URL (Back returns), a column header flips the order, the pager
 * moves, and a search text of markup is shown as text. The set-up's times are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTenThousandTest {
    static final int COUNT = 10_000;
    static final int ZONES = 40;

    @TempDir
    static Path tmp;
    ManyContracts many;
    Fixture fx;
    Browser browser;
    ChromeDriver driver;
    String ui;

    @BeforeAll
    void start() throws Exception {
        String why = Browser.unavailable();
        assumeTrue(why == null, why);
        long t0 = System.nanoTime();
        many = new ManyContracts(ZONES);
        try (ContractRepository repo = ContractRepository.openOrCreate(tmp.resolve("data"))) {
            many.commitOnMain(repo.git(), COUNT);
        }
        long t1 = System.nanoTime();
        fx = new Fixture(tmp);
        long t2 = System.nanoTime();
        assertThat(fx.server.index().current().contracts()).hasSize(COUNT);
        System.out.printf("WebUiTenThousandTest: %,d contracts signed and committed in %.1f s; server started "
                + "(every contract verified) in %.1f s%n", COUNT, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        ui = fx.server.httpUrl() + "/ui/";
        browser = Browser.start(tmp.resolve("chromium-profile"));
        driver = browser.driver;
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        if (browser != null) {
            assertThat(browser.consoleErrors()).as("errors in the browser console").isEmpty();
        }
    }

    @Test
    @Order(1)
    void firstPageRendersWithItsPager() throws IOException {
        long t0 = System.nanoTime();
        open("#/contracts");
        waitForCount("1–50 of 10,000");
        System.out.printf("WebUiTenThousandTest: first page of %,d contracts rendered in %d ms%n", COUNT,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(rows()).hasSize(50).startsWith("c0", "c1", "c10", "c100");
        assertThat(header("name").getAttribute("aria-sort")).isEqualTo("ascending");
        assertThat(header("expiry").getAttribute("aria-sort")).isEqualTo("none");
        assertThat(driver.findElement(By.cssSelector(".summary")).getText()).startsWith("10,000 contracts in force on main");
        assertThat(driver.findElement(By.cssSelector(".pager .pageno")).getText()).isEqualTo("page 1 of 200");
        // the page stays small: 50 rows, not a 60,000-pixel table
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        assertThat(height.intValue()).isLessThan(12_000);
        browser.screenshot("contracts-10000");

        driver.findElement(By.cssSelector(".pager a.next")).click();
        waitForCount("51–100 of 10,000");
        assertThat(driver.getCurrentUrl()).endsWith("#/contracts?page=2");
        driver.findElement(By.cssSelector(".pager a.last")).click();
        waitForCount("9,951–10,000 of 10,000");
        assertThat(rows()).hasSize(50).endsWith("c9999");
    }

    @Test
    @Order(2)
    void searchNarrowsByNameZoneAndFingerprintAndIsInTheUrl() {
        open("#/contracts");
        waitForCount("1–50 of 10,000");
        search("c4242");
        waitForCount("1–1 of 1 matching “c4242”");
        assertThat(rows()).containsExactly("c4242");
        assertThat(driver.getCurrentUrl()).endsWith("#/contracts?q=c4242");
        // the box keeps the focus across the page's rebuild: typing goes on, and refines the search in place
        WebElement active = driver.switchTo().activeElement();
        assertThat(active.getAttribute("id")).isEqualTo("list-search");
        active.sendKeys(Keys.BACK_SPACE);
        waitForCount("1–11 of 11 matching “c424”");
        assertThat(driver.getCurrentUrl()).endsWith("#/contracts?q=c424");
        // Back returns to the whole list (refining replaced the search's history entry), and the box says so
        driver.navigate().back();
        waitForCount("1–50 of 10,000");
        assertThat(driver.findElement(By.id("list-search")).getAttribute("value")).isEmpty();

        TestZone zone = many.zones.get(7);
        long withZone = IntStream.range(0, COUNT).filter(i -> Arrays.asList(many.pair(i)).contains(zone)).count();
        search("zone7");
        waitForCount("1–50 of " + String.format("%,d", withZone) + " matching “zone7”");

        // a fingerprint as openssl prints it: upper case with colons, a prefix
        String hash = Fingerprint.of(zone.root);
        String colons = String.join(":", hash.substring(0, 16).toUpperCase().split("(?<=\\G..)"));
        open("#/contracts");
        waitForCount("1–50 of 10,000");
        search(colons);
        waitForCount("1–50 of " + String.format("%,d", withZone) + " matching “" + colons + "”");
        assertThat(driver.findElements(By.cssSelector("#contracts-table tbody tr"))).allSatisfy(r ->
                assertThat(r.findElements(By.cssSelector("code.fp"))).anySatisfy(fp ->
                        assertThat(fp.getAttribute("title")).isEqualTo(hash)));
    }

    @Test
    @Order(3)
    void headersFlipTheOrder() {
        open("#/contracts");
        waitForCount("1–50 of 10,000");
        header("name").findElement(By.tagName("a")).click();
        wait(() -> header("name").getAttribute("aria-sort").equals("descending"));
        assertThat(rows()).startsWith("c9999", "c9998");
        assertThat(driver.getCurrentUrl()).endsWith("#/contracts?order=desc");
        header("name").findElement(By.tagName("a")).click();
        wait(() -> header("name").getAttribute("aria-sort").equals("ascending"));
        assertThat(rows()).startsWith("c0", "c1");

        // by days left: the contract that ends first comes first
        String first = fx.server.index().current().contracts().stream()
                .min(Comparator.comparing(VerifiedContract::effectiveExpiry).thenComparing(VerifiedContract::name))
                .orElseThrow().name();
        header("expiry").findElement(By.tagName("a")).click();
        wait(() -> header("expiry").getAttribute("aria-sort").equals("ascending"));
        assertThat(rows().get(0)).isEqualTo(first);
        assertThat(header("name").getAttribute("aria-sort")).isEqualTo("none");
    }

    @Test
    @Order(4)
    void markupTypedIntoTheSearchIsShownAsText() {
        String evil = "<img src=x onerror=alert(1)>";
        open("#/contracts");
        waitForCount("1–50 of 10,000");
        search(evil);
        waitForCount("No contract matches “" + evil + "”");
        assertThat(driver.findElements(By.cssSelector("#main img"))).isEmpty();
        // and from a link
        driver.navigate().refresh();
        waitForCount("No contract matches “" + evil + "”");
        assertThat(driver.findElements(By.cssSelector("#main img"))).isEmpty();
    }

    @Test
    @Order(5)
    void zonesAndHistoryListsAtTenThousand() {
        open("#/zones");
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pager .count"),
                "1–40 of 40"));
        search("zone1");
        waitForCount("1–11 of 11 matching “zone1”");
        header("contracts").findElement(By.tagName("a")).click();
        wait(() -> header("contracts").getAttribute("aria-sort").equals("ascending"));

        open("#/history");
        WebElement more = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.more-changes")));
        assertThat(more.getText()).contains("and 9,900 more changes");
        search("c777");
        browser.wait.until(d -> d.findElements(By.cssSelector("#history-table tr[data-name]")).size() == 11);
        assertThat(driver.findElements(By.cssSelector("#history-table tr[data-name]")))
                .allSatisfy(r -> assertThat(r.getAttribute("data-name")).startsWith("c777"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private void open(String hash) {
        driver.get("about:blank");
        driver.get(ui + hash);
    }

    private void search(String text) {
        WebElement box = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("list-search")));
        box.clear();
        box.sendKeys(text);
    }

    private void waitForCount(String text) {
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".pager .count"), text));
        assertThat(driver.findElement(By.cssSelector(".pager .count")).getText()).isEqualTo(text);
    }

    private WebElement header(String field) {
        return driver.findElement(By.cssSelector("th[data-sort='" + field + "']"));
    }

    private List<String> rows() {
        return driver.findElements(By.cssSelector("#contracts-table tbody tr[data-contract]")).stream()
                .map(r -> r.getAttribute("data-contract")).toList();
    }

    private void wait(java.util.function.BooleanSupplier condition) {
        browser.wait.until(d -> {
            try {
                return condition.getAsBoolean();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false; // the page was rebuilt meanwhile
            }
        });
    }
}
