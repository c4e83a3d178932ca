package dev.trustcontracts.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked with tar, run through a chain of symlinks from an unrelated
 * directory, on a PATH with Java and no Maven. Runs in the integration-test phase, after package built it.
 */
class ReleaseArchiveIT {
    static final String VERSION = System.getProperty("trustctl.version");
    static final Path ARCHIVE = Path.of(System.getProperty("trustctl.archive"));
    static final Path ZIP = Path.of(System.getProperty("trustctl.zip"));
    static final Path CHECKOUT = Path.of(System.getProperty("trustctl.checkout")).toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static Path install;
    static Path linked;
    static Path work;
    static Machine machine;

    @BeforeAll
    static void unpackAndLink() throws Exception {
        Path unpackDir = Files.createDirectories(dir.resolve("opt"));
        Proc tar = Proc.run(unpackDir, Map.of("PATH", System.getenv("PATH")),
                List.of("tar", "-xzf", ARCHIVE.toString()));
        assertThat(tar.exit()).as("tar: %s", tar).isZero();
        install = unpackDir.resolve("trustctl-" + VERSION);
        // ~/bin/trustctl -> ~/links/tc -> (relative) ../opt/trustctl-VERSION/bin/trustctl
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("tc"), links.relativize(install.resolve("bin/trustctl")));
        linked = Files.createDirectories(dir.resolve("bin")).resolve("trustctl");
        Files.createSymbolicLink(linked, links.resolve("tc"));
        work = Files.createDirectories(dir.resolve("work"));
        machine = Machine.create(dir.resolve("machine"));
        machine.assertNoMaven();
    }

    @Test
    void archiveHoldsTheLauncherItsLibrariesCompletionAndDocs() throws IOException {
        assertThat(install.resolve("bin/trustctl")).isExecutable();
        assertThat(install.resolve("completion/trustctl.bash")).isRegularFile();
        assertThat(install.resolve("README.md")).isRegularFile();
        assertThat(install.resolve("docs/ARCHITECTURE.md")).isRegularFile();
        // every library the jar's manifest names is there: the launcher runs with -jar and that class path
        try (JarFile jar = new JarFile(install.resolve("lib/trustctl.jar").toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Implementation-Version")).isEqualTo(VERSION);
            String[] classPath = main.getValue(Attributes.Name.CLASS_PATH).split(" ");
            assertThat(classPath).hasSizeGreaterThan(20);
            for (String entry : classPath) {
                assertThat(install.resolve("lib").resolve(entry)).as("lib/%s from the manifest", entry).isRegularFile();
            }
        }
        // the zip holds the same files
        Set<String> fromTar = new TreeSet<>();
        try (Stream<Path> files = Files.walk(install)) {
            files.filter(Files::isRegularFile).forEach(f -> fromTar.add(install.getParent().relativize(f).toString()));
        }
        Set<String> fromZip = new TreeSet<>();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> fromZip.add(e.getName()));
        }
        assertThat(fromZip).isEqualTo(fromTar);
    }

    @Test
    void versionNamesTheReleaseTheCommitAndTheJavaItRunsOn() throws Exception {
        Proc p = Proc.run(work, machine.env(), List.of(linked.toString(), "--version"));
        assertThat(p.exit()).as("%s", p).isZero();
        List<String> lines = p.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).as("%s", p).matches("trustctl " + VERSION.replace(".", "\\.")
                + " \\(commit ([0-9a-f]{7,}(-dirty)?|unknown)\\)");
        if (Files.isDirectory(CHECKOUT.resolve(".git"))) {
            // a plain clone (CI): the commit is HEAD's. (In a linked worktree, .git is a file and the plugin reads
            // the main worktree's HEAD: only the shape is checked there.)
            Proc head = Proc.run(CHECKOUT, Map.of("PATH", System.getenv("PATH")),
                    List.of("git", "rev-parse", "HEAD"));
            String abbrev = lines.get(0).replaceAll(".*\\(commit ([0-9a-f]+).*", "$1");
            assertThat(head.out().trim()).startsWith(abbrev);
        }
        assertThat(lines.get(1)).startsWith("Java " + Runtime.version() + " (");
    }

    @Test
    void realCommandsWriteAndReadRealFiles() throws Exception {
        for (String zone : List.of("alice", "bob")) {
            Proc init = Proc.run(work, machine.env(),
                    List.of(linked.toString(), "pki", "init", "--dir", zone + "-pki", "--name", zone));
            assertThat(init.exit()).as("%s", init).isZero();
        }
        assertThat(Files.getPosixFilePermissions(work.resolve("alice-pki/ca-key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(work.resolve("repo/contracts"));
        Proc created = Proc.run(work, machine.env(), List.of(linked.toString(), "contract", "new", "--name", "alice-bob",
                "--participant", "alice=alice-pki/ca.pem", "--participant", "bob=bob-pki/ca.pem",
                "--valid-for", "365d", "-o", "repo/contracts/alice-bob.yaml"));
        assertThat(created.exit()).as("%s", created).isZero();
        Proc verify = Proc.run(work, machine.env(),
                List.of(linked.toString(), "contract", "verify", "repo/contracts/alice-bob.yaml"));
        assertThat(verify.exit()).as("%s", verify).isEqualTo(3);
        assertThat(verify.out() + verify.err()).contains("[signature-missing]");
    }

    @Test
    void theAgentsJvmOptionsStartThisJava() throws Exception {
        // bin/trustctl gives "agent" its memory-lean options; a JVM that refused one would exit before picocli
        Proc p = Proc.run(work, machine.env(), List.of(linked.toString(), "agent", "--help"));
        assertThat(p.exit()).as("%s", p).isZero();
        assertThat(p.out()).contains("Usage: trustctl agent");
    }

    @Test
    void bashCompletionCompletesSubcommands() throws Exception {
        Path script = install.resolve("completion/trustctl.bash");
        assertThat(complete(script, "trustctl", "con")).containsExactly("contract");
        assertThat(complete(script, "trustctl", "contract", "ver")).containsExactly("verify");
        assertThat(complete(script, "trustctl", "--vers")).containsExactly("--version");
    }

    /** Sources the script in bash and drives its completion function as bash does on TAB. */
    private static List<String> complete(Path script, String... words) throws Exception {
        String driver = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\";"
                + " COMP_POINT=${#COMP_LINE}; _complete_trustctl trustctl \"${COMP_WORDS[COMP_CWORD]}\";"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> command = new ArrayList<>(List.of(machine.tools().resolve("bash").toString(), "-c", driver,
                "bash", script.toString()));
        command.addAll(List.of(words));
        Proc p = Proc.run(work, machine.env(), command);
        assertThat(p.exit()).as("%s", p).isZero();
        return p.out().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void withoutJavaItSaysSoInOneLine() throws Exception {
        Proc p = Proc.run(work, machine.envWithoutJava(), List.of(linked.toString(), "--version"));
        assertThat(p.exit()).isEqualTo(1);
        assertThat(p.out()).isEmpty();
        assertThat(p.err().lines().toList())
                .containsExactly("trustctl: Java 17 or later is needed: no java on PATH and JAVA_HOME is not set");
    }

    @Test
    void anOlderJavaIsRefusedBeforeItRuns() throws Exception {
        // a Java 11 installation as its release file describes it; its java must never run
        Path old = Files.createDirectories(dir.resolve("jdk-11/bin"));
        Files.writeString(old.resolveSibling("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
        Path ran = dir.resolve("old-java-ran");
        Path java = old.resolve("java");
        Files.writeString(java, "#!/bin/sh\ntouch '" + ran + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = machine.env();
        env.put("JAVA_HOME", old.getParent().toString());
        Proc p = Proc.run(work, env, List.of(linked.toString(), "--version"));
        assertThat(p.exit()).isEqualTo(1);
        assertThat(p.err().lines().toList()).containsExactly("trustctl: Java 17 or later is needed; " + java
                + " is Java 11.0.2 (set JAVA_HOME or PATH to a newer one)");
        assertThat(ran).doesNotExist();
    }
}
