package dev.trustcontracts.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code trustctl --version} prints: the version from the jar's manifest ("development" when run from
 * classes), the Git commit the build recorded in {@code git.properties} (written by git-commit-id-maven-plugin;
 * absent when built outside a Git checkout, hence "commit unknown"), and the Java runtime it runs on.
 */
final class Version implements CommandLine.IVersionProvider {
    /** Where the launcher's build writes the commit; launcher/pom.xml (git-commit-id) names it. */
    static final String GIT_PROPERTIES = "git.properties";

    @Override
    public String[] getVersion() {
        String v = Trustctl.class.getPackage().getImplementationVersion();
        return new String[] {
            "trustctl " + (v == null ? "development" : v) + " (" + commit(Version.class) + ")",
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                    + System.getProperty("java.home") + ")"
        };
    }

    /** The commit recorded with the classes of {@code anchor}'s package; see {@link #commit(Properties)}. */
    static String commit(Class<?> anchor) {
        Properties git = new Properties();
        try (InputStream in = anchor.getResourceAsStream(GIT_PROPERTIES)) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            return "commit unreadable"; // a damaged jar: --version still answers, in one line
        }
        return commit(git);
    }

    /**
     * "commit 1a2b3c4", with "-dirty" when the working tree had uncommitted changes, or "commit unknown" when
     * nothing was recorded (no file, or the empty one the plugin writes outside a Git checkout).
     */
    static String commit(Properties git) {
        String id = git.getProperty("git.commit.id.abbrev", "").strip();
        if (id.isEmpty()) {
            return "commit unknown";
        }
        return "commit " + id + ("true".equals(git.getProperty("git.dirty")) ? "-dirty" : "");
    }
}
