package dev.trustcontracts.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's ./trustctl (the README's first command) run through symlinks from another directory: it finds
 * its checkout, and hands over to the release's bin/trustctl. The launcher jar the reactor just built is current,
 * so it does not rebuild; the PATH has no mvn, so a rebuild attempt would fail the test with its one-line error.
 */
class RootLauncherIT {
    @TempDir
    Path dir;

    @Test
    void runsThroughASymlinkChainFromAnotherDirectory() throws Exception {
        Machine machine = Machine.create(dir.resolve("machine"));
        machine.assertNoMaven();
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("tc"), ReleaseArchiveIT.CHECKOUT.resolve("trustctl"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("trustctl"), Path.of("../links/tc"));
        Path work = Files.createDirectories(dir.resolve("work"));

        Proc p = Proc.run(work, machine.env(), List.of(bin.resolve("trustctl").toString(), "--version"));

        assertThat(p.exit()).as("%s", p).isZero();
        assertThat(p.out()).startsWith("trustctl " + ReleaseArchiveIT.VERSION + " (commit ");
        assertThat(p.err()).isEmpty();
    }

    @Test
    void theJvmOptionsAreWrittenOnlyInTheReleaseLauncher() throws Exception {
        String root = Files.readString(ReleaseArchiveIT.CHECKOUT.resolve("trustctl"));
        String release = Files.readString(ReleaseArchiveIT.CHECKOUT.resolve("dist/src/bin/trustctl"));
        for (String option : List.of("-XX:+UseSerialGC", "-Xmx128m", "-Xss512k")) {
            assertThat(release).contains(option);
            assertThat(root).doesNotContain(option);
        }
        assertThat(root).contains("exec \"$here/dist/src/bin/trustctl\"");
    }
}
