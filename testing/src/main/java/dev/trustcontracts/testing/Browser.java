package dev.trustcontracts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium session for the web UI tests and benchmarks: Debian's {@code chromium} driven through
 * Debian's {@code chromium-driver} (Selenium Manager never downloads anything), with the browser console's log
 * kept so that a test can fail on errors in it. {@link #unavailable()} says why it cannot run (tests skip with
 * that reason). Selenium is an optional dependency of this module: who uses this class declares it.
 */
@SuppressWarnings({"deprecation", "removal"}) // the browser log is chromedriver's legacy log endpoint
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of(System.getProperty("webui.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("webui.chromedriver", "/usr/bin/chromedriver"));
    public static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Selenium's note that it has no CDP support for this exact Chromium: the tests use no CDP. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    public final ChromeDriver driver;
    public final WebDriverWait wait;
    private final ChromeDriverService service;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
        this.wait = new WebDriverWait(driver, PATIENCE);
    }

    /** Why no browser can run here (chromium or chromedriver missing), or null when one can. */
    public static String unavailable() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        String why = "web UI browser tests skipped: they need Debian's chromium and chromium-driver at " + CHROMIUM
                + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver; ./run-tests installs them)";
        System.err.println(why);
        return why;
    }

    /** Starts a browser with a fresh profile in {@code profile}. */
    public static Browser start(Path profile) throws IOException {
        CDP_LOG.setLevel(Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(profile),
                "--window-size=1280,900", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            return new Browser(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** The console's error messages since the last call. */
    public List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /**
     * Saves the page to {@code target/screenshots/NAME.png}, or to {@code docs/screenshots/} with
     * {@code -DupdateScreenshots=true} (so that an ordinary test run leaves the committed pictures alone).
     */
    public void screenshot(String name) throws IOException {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path dir = Boolean.getBoolean("updateScreenshots")
                ? module.getParent().resolve("docs/screenshots") : module.resolve("target/screenshots");
        if (!Files.isDirectory(dir.getParent())) {
            return; // not run from the source tree
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
