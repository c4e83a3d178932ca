package dev.trustcontracts.reposerver;

import static dev.trustcontracts.reposerver.testing.Fixture.ALICE;
import static dev.trustcontracts.reposerver.testing.Fixture.BOB;
import static dev.trustcontracts.reposerver.testing.Fixture.CAROL;
import static dev.trustcontracts.reposerver.testing.Fixture.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.reposerver.testing.Fixture;
import dev.trustcontracts.testing.Browser;
import dev.trustcontracts.testing.TestZone;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI of a read-only mirror, in chromium: a banner names the primary, and the contract and proposal pages
 * say where to revoke and merge instead of showing buttons; the primary's pages keep theirs. Skips, saying why,
 * without chromium and chromedriver (as {@code WebUiBrowserTest}).
 */
class MirrorUiBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void theMirrorsPagesNameThePrimaryAndShowNoWriteAction() throws Exception {
        String why = Browser.unavailable();
        assumeTrue(why == null, why);
        try (Fixture fx = new Fixture(tmp.resolve("primary"))) {
            try (Git git = fx.cloneRepo("clone")) {
                ObjectId main = Fixture.fetchMain(git);
                ObjectId c = Fixture.commit(git, main.name(), change()
                        .contract("contracts/alice-bob.yaml", TestZone.signed("alice-bob", ALICE, BOB)));
                assertThat(Fixture.pushMain(git, c).ok()).isTrue();
                ObjectId ready = Fixture.commit(git, c.name(), change()
                        .contract("contracts/bob-carol.yaml", TestZone.signed("bob-carol", BOB, CAROL)));
                assertThat(Fixture.push(git, Fixture.credentials(), false, ready, "proposals/bob-carol").ok()).isTrue();
            }
            MirrorOf of = MirrorOf.of(fx.server.gitUrl()).withPollEvery(Duration.ofHours(1));
            try (RepoServer mirror = RepoServer.start(RepoServerConfig.ephemeral(tmp.resolve("mirror")).toBuilder()
                    .mirrorOf(of).build());
                 Browser browser = Browser.start(tmp.resolve("chromium-profile"))) {
                String ui = mirror.httpUrl() + "/ui/";
                browser.driver.get(ui + "#/contracts/alice-bob");
                WebElement banner = visible(browser, "#mirror-banner");
                assertThat(banner.getText()).isEqualTo("Read-only mirror of " + fx.server.gitUrl()
                        + ": merges, revocations and pushes go to the primary.");
                assertThat(visible(browser, "#revoke-on-primary").getText()).contains("revoke on the primary")
                        .contains(fx.server.gitUrl());
                assertThat(browser.driver.findElements(By.id("revoke-button"))).isEmpty();

                browser.driver.get("about:blank");
                browser.driver.get(ui + "#/proposals/proposals/bob-carol");
                assertThat(visible(browser, "#merge-on-primary").getText()).contains("merge on the primary");
                assertThat(browser.driver.findElements(By.id("merge-button"))).isEmpty();

                // the primary's page: no banner, the button is there
                browser.driver.get("about:blank");
                browser.driver.get(fx.server.httpUrl() + "/ui/#/contracts/alice-bob");
                visible(browser, "#revoke-button");
                assertThat(browser.driver.findElement(By.id("mirror-banner")).isDisplayed()).isFalse();
            }
        }
    }

    private static WebElement visible(Browser b, String css) {
        return b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }
}
