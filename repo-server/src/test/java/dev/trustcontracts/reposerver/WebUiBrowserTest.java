package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.Browser;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.reposerver.testing.Fixture;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) against a
 * real server: list, detail, zone view, a failed login, a proposal merged and a contract revoked through
 * the pages. Any error in the browser console fails the test that caused it. Screenshots of the main pages
 * go to {@code target/screenshots/}, and to {@code docs/screenshots/} when run with
 * {@code -DupdateScreenshots=true} (so an ordinary test run leaves the committed pictures alone).
 *
 * <p>One browser session serves every scenario; each scenario loads the page afresh (the login lives in
 * the page's memory), so they do not depend on each other except through the repository, in this order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SuppressWarnings({"deprecation", "removal"}) // the browser log is chromedriver's legacy log endpoint
class WebUiBrowserTest {
    /** A root whose subject is markup: the pages must show it as text. */
    static final String EVIL_SUBJECT = "<img src=x onerror=alert(1)> Mallory & Co";

    @TempDir
    static Path tmp;
    Fixture fx;
    Git git;
    Browser browser;
    ChromeDriver driver;
    WebDriverWait wait;
    String ui;
    final List<Pattern> expectedConsoleErrors = new ArrayList<>();
    final List<String> seenExpected = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        String why = Browser.unavailable();
        assumeTrue(why == null, why);
        fx = new Fixture(tmp);
        git = fx.cloneRepo("clone");
        seed();
        ui = fx.server.httpUrl() + "/ui/";
        browser = Browser.start(tmp.resolve("chromium-profile"));
        driver = browser.driver;
        wait = browser.wait;
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

    /** Main holds three contracts, one expiring soon; two proposals wait, one fully signed. */
    private void seed() throws Exception {
        TestZone dave = TestZone.create("dave");
        ObjectId main = Fixture.fetchMain(git);
        ObjectId c1 = Fixture.commit(git, main.name(), change()
                .contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB))
                .contract("contracts/alice-dave.yaml", TestZone.signed("alice-dave", ALICE, dave)));
        ObjectId c2 = Fixture.commit(git, c1.name(), change()
                .contract("contracts/bob-carol.yaml", WebApiTest.shortLived("bob-carol", 12, BOB, CAROL))
                .contract("contracts/alice-mallory.yaml", malloryContract()));
        assertThat(Fixture.pushMain(git, c2).ok()).isTrue();

        ObjectId ready = Fixture.commit(git, c2.name(), change()
                .contract("contracts/carol-dave.yaml", TestZone.signed("carol-dave", CAROL, dave)));
        assertThat(Fixture.push(git, Fixture.credentials(), false, ready, "proposals/carol-dave").ok()).isTrue();
        TestZone erin = TestZone.create("erin");
        ObjectId waiting = Fixture.commit(git, c2.name(), change()
                .contract("contracts/bob-erin.yaml", BOB.sign(TestZone.draft("bob-erin", BOB, erin))));
        assertThat(Fixture.push(git, Fixture.credentials(), false, waiting, "proposals/bob-erin").ok()).isTrue();
    }

    private static Contract malloryContract() throws Exception {
        KeyPair rootKeys = KeyType.EC_P256.generate();
        X500Name subject = new X500Name(new org.bouncycastle.asn1.x500.RDN[] {
                new org.bouncycastle.asn1.x500.RDN(org.bouncycastle.asn1.x500.style.BCStyle.CN,
                        new org.bouncycastle.asn1.DERUTF8String(EVIL_SUBJECT))});
        X509Certificate root = CertificateIssuer.selfSignedRoot(subject, rootKeys,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(3650)));
        KeyPair signerKeys = KeyType.EC_P256.generate();
        X509Certificate signer = CertificateIssuer.issue(root, rootKeys.getPrivate(), new X500Name("CN=admin@mallory"),
                signerKeys.getPublic(), CertificateProfile.CONTRACT_SIGNER, TestZone.NOW.minus(Duration.ofDays(1)),
                TestZone.NOW.plus(Duration.ofDays(730)), List.of());
        Contract c = ContractDraft.create("alice-mallory", List.of(ALICE.zone(),
                new ContractDraft.Zone("mallory", root, "")), TestZone.NOW.minus(Duration.ofDays(1)), Duration.ofDays(200));
        c = ALICE.sign(c);
        return ContractSigner.sign(c, signerKeys.getPrivate(), List.of(signer, root), TestZone.NOW);
    }

    // ---- scenarios ---------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void contractListShowsParticipantsWindowsSignersAndFlagsExpiringOnes() throws IOException {
        open("#/contracts");
        WebElement row = waitFor("#contracts-table tr[data-contract='bob-carol']");
        assertThat(driver.findElements(By.cssSelector("#contracts-table tbody tr"))).hasSize(4);
        assertThat(row.getAttribute("class")).contains("expiring");
        assertThat(row.getText()).contains("bob").contains("carol").contains("11 days").contains("CN=admin@bob");
        assertThat(row.findElement(By.cssSelector("code.fp")).getAttribute("title")).isEqualTo(Fingerprint.of(BOB.root));
        WebElement ab = driver.findElement(By.cssSelector("#contracts-table tr[data-contract='alice-bob']"));
        assertThat(ab.getAttribute("class")).doesNotContain("expiring");
        assertThat(ab.getText()).contains("363 days").contains("CN=admin@alice").contains("CN=admin@bob");
        assertThat(driver.findElement(By.id("expiring-count")).getText()).isEqualTo("1 expiring within 30 days");
        // what ends soonest, with the command that renews it (text, so that it can be copied)
        List<WebElement> ending = driver.findElements(By.cssSelector("#ending-soonest li"));
        assertThat(ending).hasSize(5);
        assertThat(ending.get(0).getAttribute("data-name")).isEqualTo("bob-carol");
        assertThat(ending.get(0).getAttribute("data-kind")).isEqualTo("contract");
        assertThat(ending.get(0).findElement(By.cssSelector("code.command")).getText())
                .isEqualTo("trustctl contract renew bob-carol");
        assertThat(ending.get(0).getText()).contains("11 days");
        screenshot("contracts");
    }

    @Test
    @Order(2)
    void contractDetailShowsCertificatesSignaturesAndTheAddingCommit() throws IOException {
        open("#/contracts");
        waitFor("#contracts-table tr[data-contract='alice-bob'] a.name").click();
        WebElement alice = waitFor("#participants article[data-participant='alice']");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Contract alice-bob");
        String text = alice.getText();
        assertThat(text).contains("O=alice,CN=alice test root").contains(Fingerprint.of(ALICE.root))
                .contains("CN=admin@alice").contains("Signed at");
        assertThat(driver.findElement(By.id("added-in")).getText()).contains("test change")
                .contains("Test Admin").contains("reached main by admin");
        screenshot("contract");

        // repository text is shown as text, never run as markup
        open("#/contracts/alice-mallory");
        WebElement mallory = waitFor("#participants article[data-participant='mallory']");
        // RFC 2253 form, as the API gives it
        assertThat(mallory.findElement(By.cssSelector("dd.subject")).getText())
                .isEqualTo("CN=\\<img src\\=x onerror\\=alert(1)\\> Mallory & Co");
        assertThat(driver.findElements(By.cssSelector("#main img"))).isEmpty();
    }

    @Test
    @Order(3)
    void zoneViewListsEveryZoneAPickedZoneTrustsAndThroughWhichContract() throws IOException {
        open("#/zones");
        waitFor("#zones-table tr[data-zone='alice'] a").click();
        waitFor("#trusts-table tr[data-zone='bob']");
        List<WebElement> rows = driver.findElements(By.cssSelector("#trusts-table tbody tr"));
        assertThat(rows).extracting(r -> r.getAttribute("data-zone")).containsExactlyInAnyOrder("bob", "dave", "mallory");
        WebElement bob = driver.findElement(By.cssSelector("#trusts-table tr[data-zone='bob']"));
        assertThat(bob.getText()).contains("alice-bob");
        assertThat(driver.getCurrentUrl()).endsWith("#/zones/" + Fingerprint.of(ALICE.root));
        screenshot("zones");

        // following a trusted zone shows that zone's view: bob trusts alice and carol
        bob.findElement(By.tagName("a")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#zone h2"), "bob"));
        waitFor("#trusts-table tr[data-zone='carol']");
        assertThat(driver.findElements(By.cssSelector("#trusts-table tbody tr"))).extracting(r -> r.getAttribute("data-zone"))
                .containsExactlyInAnyOrder("alice", "carol");
    }

    @Test
    @Order(4)
    void failedLoginSaysSoAndLogsNobodyIn() throws IOException {
        open("#/contracts");
        waitFor("#contracts-table");
        driver.findElement(By.id("login-open")).click();
        expectConsoleError("/api/whoami - Failed to load resource: the server responded with a status of 401");
        login(Fixture.USER, "not the password");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(error.getText()).isEqualTo("Login failed: wrong user name or password.");
        assertThat(driver.findElement(By.id("whoami")).getText()).isEmpty();
        assertThat(driver.findElement(By.id("login-open")).isDisplayed()).isTrue();
        screenshot("login-failed");
    }

    @Test
    @Order(5)
    void proposalIsMergedThroughTheUi() throws IOException {
        open("#/proposals");
        waitFor("#proposals-table tr[data-branch='proposals/bob-erin']");
        assertThat(driver.findElements(By.cssSelector("#proposals-table tbody tr"))).hasSize(2);

        // the proposal waiting for erin: no merge button, the missing signature by participant
        driver.findElement(By.cssSelector("#proposals-table tr[data-branch='proposals/bob-erin'] a")).click();
        waitFor("#signatures tr[data-participant='erin']");
        assertThat(driver.findElement(By.cssSelector("#signatures tr[data-participant='erin']")).getText())
                .contains("signature missing");
        assertThat(driver.findElement(By.cssSelector("#signatures tr[data-participant='bob']")).getText()).contains("signed");
        assertThat(driver.findElement(By.id("proposal-status")).getText()).isEqualTo("waiting for signatures");
        assertThat(driver.findElements(By.id("merge-button"))).isEmpty();
        assertThat(driver.findElement(By.cssSelector("#diff section[data-path='contracts/bob-erin.yaml']")).getText())
                .contains("+name: bob-erin");
        screenshot("proposal");

        open("#/proposals");
        waitFor("#proposals-table tr[data-branch='proposals/carol-dave'] a").click();
        WebElement merge = waitFor("#merge-button");
        assertThat(driver.findElement(By.id("proposal-status")).getText()).isEqualTo("ready to merge");
        merge.click();
        // not logged in yet: the button asks for a login, then for a confirmation naming the head commit
        login(Fixture.USER, Fixture.PASSWORD);
        assertThat(waitFor("#merge-confirm-summary").getText()).contains("adds carol-dave")
                .contains("participants added: carol, dave");
        driver.findElement(By.id("merge-confirm-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Merged proposals/carol-dave into main"));
        waitFor("#contracts-table tr[data-contract='carol-dave']");
        assertThat(driver.findElement(By.id("whoami")).getText()).isEqualTo("Logged in as admin (admin)");
        assertThat(fx.server.index().current().contract("carol-dave")).isPresent();

        open("#/proposals");
        waitFor("#proposals-table tr[data-branch='proposals/bob-erin']");
        assertThat(driver.findElements(By.cssSelector("#proposals-table tr[data-branch='proposals/carol-dave']"))).isEmpty();
    }

    @Test
    @Order(6)
    void contractIsRevokedThroughTheUiAfterConfirmation() throws IOException {
        open("#/contracts/alice-dave");
        waitFor("#revoke-button").click();
        login(Fixture.USER, Fixture.PASSWORD);
        WebElement input = waitFor("#revoke-confirm-input");
        WebElement confirm = driver.findElement(By.id("revoke-confirm-button"));
        assertThat(confirm.isEnabled()).as("disabled until the name is typed").isFalse();
        input.sendKeys("alice-dav");
        assertThat(confirm.isEnabled()).isFalse();
        input.sendKeys("e");
        assertThat(confirm.isEnabled()).isTrue();
        screenshot("revoke");
        confirm.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Revoked alice-dave"));
        waitFor("#contracts-table tr[data-contract='alice-bob']");
        assertThat(driver.findElements(By.cssSelector("#contracts-table tr[data-contract='alice-dave']"))).isEmpty();
        assertThat(fx.server.index().current().contract("alice-dave")).isEmpty();
        assertThat(fx.server.repository().git().exactRef("refs/heads/main").getObjectId().name())
                .isEqualTo(fx.server.index().current().commit());
    }

    @Test
    @Order(7)
    void historyShowsWhoAddedAndRevokedWhat() throws IOException {
        open("#/history");
        WebElement revoked = waitFor("#history-table tr[data-change='revoked'][data-name='alice-dave']");
        assertThat(revoked.getText()).contains("admin").contains("Revoke contract alice-dave");
        assertThat(driver.findElements(By.cssSelector("#history-table tr[data-change='added']")))
                .extracting(r -> r.getAttribute("data-name"))
                .containsExactly("carol-dave", "alice-mallory", "bob-carol", "alice-bob", "alice-dave");
        // newest first: the revocation tops the list
        assertThat(driver.findElement(By.cssSelector("#history-table tbody tr")).getAttribute("data-name")).isEqualTo("alice-dave");
        screenshot("history");
    }

    @Test
    @Order(8)
    void proposalPageSummarisesTheChangeAndShowsEachMissingSignersCommand() throws Exception {
        // a successor of alice-bob: alice starts a rotation, a root whose subject is markup joins, alice signs once
        TestZone aliceNext = TestZone.create("alice");
        KeyPair evilKeys = KeyType.EC_P384.generate();
        X509Certificate evilRoot = CertificateIssuer.selfSignedRoot(new X500Name(new org.bouncycastle.asn1.x500.RDN[] {
                new org.bouncycastle.asn1.x500.RDN(org.bouncycastle.asn1.x500.style.BCStyle.CN,
                        new org.bouncycastle.asn1.DERUTF8String(EVIL_SUBJECT))}), evilKeys,
                TestZone.NOW.minus(Duration.ofDays(1)), TestZone.NOW.plus(Duration.ofDays(3650)));
        Contract predecessor = fx.server.index().current().contract("alice-bob").orElseThrow().contract();
        Contract next = ContractDraft.successor(predecessor.getBody(), List.of(
                new ContractDraft.Zone("alice", ALICE.root, "", aliceNext.root), BOB.zone(),
                new ContractDraft.Zone("mallory", evilRoot, "")), TestZone.NOW.minus(Duration.ofHours(1)), Duration.ofDays(90));
        ObjectId main = Fixture.fetchMain(git);
        ObjectId tip = Fixture.commit(git, main.name(), change().contract("contracts/alice-bob.yaml", ALICE.sign(next)));
        assertThat(Fixture.push(git, Fixture.credentials(), false, tip, "proposals/alice-bob-rotate").ok()).isTrue();

        open("#/proposals/proposals/alice-bob-rotate");
        WebElement card = waitFor("#proposal-summary article[data-file='contracts/alice-bob.yaml']");
        assertThat(card.findElement(By.tagName("h3")).getText()).isEqualTo("successor (new id) alice-bob");
        assertThat(card.findElement(By.cssSelector("[data-added='mallory']")).getText()).isEqualTo("+ mallory");
        assertThat(card.findElement(By.cssSelector("tr[data-participant='alice'][data-role='next']")).getText())
                .contains("added").contains("O=alice,CN=alice test root").contains("EC P-256");
        // attacker-controlled text (a certificate subject) is shown as text, never run as markup
        assertThat(card.findElement(By.cssSelector("tr[data-participant='mallory'] .subject")).getText())
                .isEqualTo("CN=\\<img src\\=x onerror\\=alert(1)\\> Mallory & Co");
        assertThat(card.findElement(By.cssSelector("tr[data-participant='mallory'] .key")).getText()).isEqualTo("EC P-384");
        assertThat(driver.findElements(By.cssSelector("#main img"))).isEmpty();
        WebElement signed = card.findElement(By.cssSelector(".summary-signatures tr[data-participant='alice']"));
        assertThat(signed.getText()).contains("valid").contains("CN=admin@alice").contains("EC P-256");
        assertThat(signed.findElement(By.cssSelector("code.fp")).getAttribute("title")).isEqualTo(Fingerprint.of(ALICE.signer));
        // the commands, as the CLI takes them (ProposalCoSignCommandTest runs one through trustctl)
        List<String> commands = card.findElements(By.cssSelector("ul.cosign pre.command")).stream().map(WebElement::getText).toList();
        assertThat(commands).containsExactly(
                "trustctl contract sign contracts/alice-bob.yaml --key alice-next-admin-key.pem --cert alice-next-admin.pem",
                "trustctl contract sign contracts/alice-bob.yaml --key bob-admin-key.pem --cert bob-admin.pem",
                "trustctl contract sign contracts/alice-bob.yaml --key mallory-admin-key.pem --cert mallory-admin.pem");
        // the summary stands above the raw diff
        assertThat(card.getLocation().getY()).isLessThan(waitFor("#diff").getLocation().getY());
        screenshot("proposal-summary");
    }

    /** The attack of the confirmation step, in the browser: the branch moves while the dialog is open. */
    @Test
    @Order(9)
    void aMergeConfirmedBeforeTheBranchMovedIsRefused() throws Exception {
        TestZone frank = TestZone.create("frank");
        ObjectId main = Fixture.fetchMain(git);
        ObjectId reviewed = Fixture.commit(git, main.name(), change()
                .contract("contracts/carol-frank.yaml", TestZone.signed("carol-frank", CAROL, frank)));
        assertThat(Fixture.push(git, Fixture.credentials(), false, reviewed, "proposals/carol-frank").ok()).isTrue();
        open("#/proposals/proposals/carol-frank");
        waitFor("#merge-button").click();
        login(Fixture.USER, Fixture.PASSWORD);
        WebElement confirm = waitFor("#merge-confirm-button");
        assertThat(confirm.getText()).isEqualTo("Merge " + reviewed.name().substring(0, 12) + " into main");
        screenshot("merge-confirm");

        ObjectId sneaky = Fixture.commit(git, reviewed.name(), change()
                .contract("contracts/sneaky.yaml", TestZone.signed("sneaky", CAROL, frank)));
        assertThat(Fixture.push(git, Fixture.credentials(), false, sneaky, "proposals/carol-frank").ok()).isTrue();
        expectConsoleError("/merge?head=" + reviewed.name() + " - Failed to load resource: the server responded with a status of 409");
        confirm.click();
        WebElement error = waitFor("#merge-error");
        assertThat(error.getText()).contains("Merge refused: branch 'proposals/carol-frank' moved since it was confirmed")
                .contains(sneaky.name());
        assertThat(fx.server.index().current().contract("sneaky")).isEmpty();
        assertThat(fx.server.index().current().contract("carol-frank")).isEmpty();
    }

    @Test
    @Order(10)
    void aRevokedContractKeepsAPageSayingWhenAndByWhom() throws Exception {
        expectConsoleError("/api/contracts/alice-dave - Failed to load resource: the server responded with a status of 410");
        open("#/contracts/alice-dave");
        WebElement revoked = waitFor("#revoked");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Contract alice-dave (revoked)");
        assertThat(driver.findElement(By.id("revoked-by")).getText()).isEqualTo(Fixture.USER);
        assertThat(driver.findElement(By.id("revoked-at")).getText()).endsWith(" UTC");
        assertThat(revoked.getText()).contains("contracts/alice-dave.yaml was deleted from main at")
                .contains("Revoke contract alice-dave").contains("revoke alice-dave by admin");
        screenshot("revoked");

        // deleted by a push whose commit message is markup: the page shows it as text
        ObjectId main = Fixture.fetchMain(git);
        ObjectId evil = withMessage(Fixture.commit(git, main.name(), change().delete("contracts/bob-carol.yaml")),
                EVIL_SUBJECT, "Mallory & Co");
        assertThat(Fixture.pushMain(git, evil).ok()).isTrue();
        expectConsoleError("/api/contracts/bob-carol - Failed to load resource: the server responded with a status of 410");
        open("#/contracts/bob-carol");
        WebElement gone = waitFor("#revoked");
        assertThat(driver.findElement(By.cssSelector("#revoked-commit .subject")).getText()).isEqualTo(EVIL_SUBJECT);
        assertThat(gone.getText()).contains("Mallory & Co").contains("by admin");
        assertThat(driver.findElements(By.cssSelector("#main img"))).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** The same commit (tree and parents) with another message and author. */
    private ObjectId withMessage(ObjectId commit, String message, String author) throws IOException {
        org.eclipse.jgit.lib.Repository repo = git.getRepository();
        try (org.eclipse.jgit.revwalk.RevWalk rw = new org.eclipse.jgit.revwalk.RevWalk(repo);
             org.eclipse.jgit.lib.ObjectInserter ins = repo.newObjectInserter()) {
            org.eclipse.jgit.revwalk.RevCommit c = rw.parseCommit(commit);
            org.eclipse.jgit.lib.CommitBuilder cb = new org.eclipse.jgit.lib.CommitBuilder();
            cb.setTreeId(c.getTree());
            cb.setParentIds(c.getParents());
            org.eclipse.jgit.lib.PersonIdent who = new org.eclipse.jgit.lib.PersonIdent(author, "mallory@example.test");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message + "\n");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }

    /** A fresh load of the UI at a hash route (the previous page's login is gone). */
    private void open(String hash) {
        driver.get("about:blank");
        driver.get(ui + hash);
    }

    private WebElement waitFor(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    private void login(String user, String password) {
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        name.clear();
        name.sendKeys(user);
        WebElement pw = driver.findElement(By.id("login-password"));
        pw.clear();
        pw.sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
    }

    private void expectConsoleError(String fragment) {
        expectedConsoleErrors.add(Pattern.compile(Pattern.quote(fragment)));
    }

    /** Fails the scenario on any console error it did not announce, and on an announced one that did not come. */
    @AfterEach
    void noConsoleErrors() {
        if (driver == null) {
            return;
        }
        List<String> unexpected = new ArrayList<>();
        List<Pattern> missing = new ArrayList<>(expectedConsoleErrors);
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() < Level.SEVERE.intValue()) {
                continue;
            }
            Pattern match = expectedConsoleErrors.stream().filter(p -> p.matcher(e.getMessage()).find()).findFirst().orElse(null);
            if (match == null) {
                unexpected.add(e.getMessage());
            } else {
                missing.remove(match);
            }
        }
        expectedConsoleErrors.clear();
        assertThat(unexpected).as("errors in the browser console").isEmpty();
        assertThat(missing).as("announced console errors that did not appear").isEmpty();
    }

    private void screenshot(String name) throws IOException {
        browser.screenshot(name);
    }
}
