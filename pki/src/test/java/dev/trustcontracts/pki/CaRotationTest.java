package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.pki.RotationState.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation steps on a real CA directory: what each step writes, that each is idempotent, every
 * refusal, and that an interrupted finish or start is completed by running the step again.
 */
class CaRotationTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;
    private CaLayout layout;
    private ZoneCa old;

    @BeforeEach
    void init() {
        layout = new CaLayout(dir.resolve("ca"));
        old = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, CLOCK);
    }

    private CaRotation.Outcome start() {
        return CaRotation.start(layout, null, CaInit.DEFAULT_VALIDITY, CLOCK);
    }

    /** Every file in the CA directory with its bytes: what a repeated step must leave untouched. */
    private Map<String, String> snapshot() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(layout.dir())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(layout.dir().relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    @Test
    void startCreatesTheNextRootBesideTheCurrentOne() throws Exception {
        String caPem = Files.readString(layout.certificate());
        String caKey = Files.readString(layout.privateKey());

        CaRotation.Outcome o = start();

        assertThat(o.alreadyDone()).isFalse();
        assertThat(o.state().step()).isEqualTo(Step.STARTED);
        assertThat(Files.readString(layout.certificate())).as("the current root stays").isEqualTo(caPem);
        assertThat(Files.readString(layout.privateKey())).as("the current key stays").isEqualTo(caKey);
        assertThat(Files.getPosixFilePermissions(layout.nextPrivateKey())).isEqualTo(AtomicFiles.PRIVATE);
        ZoneRoots roots = CaLoader.loadRoots(layout);
        assertThat(roots.current()).isEqualTo(old);
        assertThat(roots.issuing()).as("the current root issues until switch").isEqualTo(old);
        ZoneCa next = roots.next();
        assertThat(next.zone()).isEqualTo("alice");
        assertThat(next.fingerprint()).isNotEqualTo(old.fingerprint()).isEqualTo(o.state().next());
        assertThat(next.certificate().getSubjectX500Principal())
                .as("a new random SERIALNUMBER: no validator takes one root for the other's issuer")
                .isNotEqualTo(old.certificate().getSubjectX500Principal());
        next.certificate().verify(next.certificate().getPublicKey());
        assertThat(IssuedLog.open(layout.issuedLog()).contains(next.certificate().getSerialNumber())).isTrue();
        assertThat(Files.readString(layout.issuedLog())).contains(CertificateProfile.ROOT_CA.name());
        assertThat(roots.published()).containsExactly(old, next);
        assertThat(o.state().nextStep(layout, "alice")).contains("trustctl pki rotate switch --dir " + layout.dir())
                .contains("trustctl contract rotate");
    }

    @Test
    void everyStepRepeatedSaysItIsDoneAndChangesNothing() throws Exception {
        start();
        Map<String, String> afterStart = snapshot();
        CaRotation.Outcome again = start();
        assertThat(again.alreadyDone()).isTrue();
        assertThat(again.state().step()).isEqualTo(Step.STARTED);
        assertThat(snapshot()).isEqualTo(afterStart);

        CaRotation.switchIssuing(layout, CLOCK);
        Map<String, String> afterSwitch = snapshot();
        CaRotation.Outcome switchAgain = CaRotation.switchIssuing(layout, CLOCK);
        assertThat(switchAgain.alreadyDone()).isTrue();
        assertThat(switchAgain.state().step()).isEqualTo(Step.SWITCHED);
        assertThat(snapshot()).isEqualTo(afterSwitch);

        CaRotation.finish(layout, CLOCK);
        Map<String, String> afterFinish = snapshot();
        CaRotation.Outcome finishAgain = CaRotation.finish(layout, CLOCK);
        assertThat(finishAgain.alreadyDone()).isTrue();
        assertThat(finishAgain.state().step()).isEqualTo(Step.FINISHED);
        assertThat(snapshot()).isEqualTo(afterFinish);
    }

    @Test
    void switchMakesTheNextRootIssueAndKeepsBothPublished() {
        ZoneCa next = start().roots().next();
        CaRotation.Outcome o = CaRotation.switchIssuing(layout, CLOCK);
        assertThat(o.state().step()).isEqualTo(Step.SWITCHED);
        ZoneRoots roots = CaLoader.loadRoots(layout);
        assertThat(roots.issuing()).isEqualTo(next);
        assertThat(roots.published()).containsExactly(old, next);
        assertThat(o.state().nextStep(layout, "alice")).contains("trustctl pki rotate finish --dir " + layout.dir());
    }

    @Test
    void finishDeletesTheOldKeyAndLeavesOnlyTheNewRoot() throws Exception {
        ZoneCa next = start().roots().next();
        String oldKeyPem = Pem.encode(old.privateKey());
        String nextKeyPem = Files.readString(layout.nextPrivateKey());
        CaRotation.switchIssuing(layout, CLOCK);

        CaRotation.Outcome o = CaRotation.finish(layout, CLOCK);

        assertThat(o.state().step()).isEqualTo(Step.FINISHED);
        assertThat(o.state().current()).isEqualTo(old.fingerprint());
        ZoneRoots roots = CaLoader.loadRoots(layout);
        assertThat(roots.published()).containsExactly(next);
        assertThat(roots.issuing()).isEqualTo(next);
        assertThat(CaLoader.load(layout)).as("the next root is now ca.pem/ca-key.pem").isEqualTo(next);
        assertThat(Files.readString(layout.privateKey())).isEqualTo(nextKeyPem);
        assertThat(Files.getPosixFilePermissions(layout.privateKey())).isEqualTo(AtomicFiles.PRIVATE);
        assertThat(layout.nextPrivateKey()).doesNotExist();
        assertThat(layout.nextCertificate()).doesNotExist();
        assertThat(Pem.certificate(Files.readString(layout.retiredCertificate(old.fingerprint()))))
                .as("the old certificate is kept for the record").isEqualTo(old.certificate());
        for (Map.Entry<String, String> f : snapshot().entrySet()) {
            assertThat(f.getValue()).as("the retired key is in no file of the CA directory: " + f.getKey())
                    .doesNotContain(oldKeyPem.strip().lines().skip(1).findFirst().orElseThrow());
        }
        // a later rotation starts from the new root
        CaRotation.Outcome second = start();
        assertThat(second.alreadyDone()).isFalse();
        assertThat(second.roots().current()).isEqualTo(next);
    }

    @Test
    void stepsOutOfOrderAreRefusedWithTheStepToRun() {
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage("no rotation is running in " + layout.dir() + "; start one first: trustctl pki rotate start --dir "
                        + layout.dir());
        assertThatThrownBy(() -> CaRotation.finish(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageStartingWith("no rotation is running in " + layout.dir());
        start();
        assertThatThrownBy(() -> CaRotation.finish(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage("the next root does not issue yet: switch before finishing (after every agent has the next "
                        + "root): trustctl pki rotate switch --dir " + layout.dir());
        CaRotation.switchIssuing(layout, CLOCK);
        assertThatThrownBy(this::start).isInstanceOf(PkiException.class)
                .hasMessageStartingWith("a rotation is already running in " + layout.dir() + " (switched at ")
                .hasMessageEndingWith("finish it first: trustctl pki rotate finish --dir " + layout.dir());
        CaRotation.finish(layout, CLOCK);
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageContaining("(the last one finished at ").hasMessageEndingWith("trustctl pki rotate start --dir "
                        + layout.dir());
        assertThatThrownBy(() -> CaRotation.start(layout, null, Duration.ofHours(1), CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a root CA must be valid for at least a day");
    }

    @Test
    void aNextKeyThatDoesNotFitTheNextCertificateIsRefused() throws Exception {
        start();
        Files.delete(layout.nextPrivateKey());
        AtomicFiles.createNew(layout.nextPrivateKey(), Pem.encode(KeyType.EC_P256.generate().getPrivate())
                .getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageStartingWith(layout.nextPrivateKey() + " is not the key of " + layout.nextCertificate());
        assertThatThrownBy(() -> CaLoader.loadRoots(layout)).isInstanceOf(PkiException.class);
        assertThat(RotationStateFile.read(layout).step()).as("nothing changed").isEqualTo(Step.STARTED);
    }

    @Test
    void aNextRootReplacedBehindTheStatesBackIsRefused() throws Exception {
        start();
        // another complete root, key and certificate fitting each other, but not the one start recorded
        Files.delete(layout.nextPrivateKey());
        Files.delete(layout.nextCertificate());
        ZoneCa other = CaInit.writeNewRoot(layout.nextPrivateKey(), layout.nextCertificate(), "alice", KeyType.EC_P256,
                CaInit.DEFAULT_VALIDITY, IssuedLog.open(layout.issuedLog()), CLOCK);
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage(layout.nextCertificate() + " holds the root sha256 " + other.fingerprint() + ", but "
                        + layout.rotationState() + " records sha256 " + RotationStateFile.read(layout).next()
                        + ": the file was replaced; restore it from the backup");
    }

    @Test
    void aMissingNextFileIsRefused() throws Exception {
        start();
        Files.delete(layout.nextCertificate());
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage(layout.nextCertificate() + " is missing: " + layout.dir() + " is not a complete CA directory");
        assertThatThrownBy(this::start).as("a repeated start checks the files too").isInstanceOf(PkiException.class)
                .hasMessageContaining(layout.nextCertificate() + " is missing");
    }

    @Test
    void looseModesOnAKeyOrACertificateAreRefused() throws Exception {
        start();
        Files.setPosixFilePermissions(layout.nextPrivateKey(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage(layout.nextPrivateKey() + " is accessible to other users (rw-r--r--); chmod 600 it, and "
                        + "treat the key as exposed");
        Files.setPosixFilePermissions(layout.nextPrivateKey(), AtomicFiles.PRIVATE);
        Files.setPosixFilePermissions(layout.certificate(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage(layout.certificate() + " is writable by other users (rw-rw-rw-); chmod 644 it and check that "
                        + "it is the file you expect");
        Files.setPosixFilePermissions(layout.certificate(), AtomicFiles.PUBLIC);
        Files.setPosixFilePermissions(layout.privateKey(), PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageStartingWith(layout.privateKey() + " is accessible to other users");
        assertThat(RotationStateFile.read(layout).step()).isEqualTo(Step.STARTED);
    }

    /** A finish interrupted after each of its writes: the loader serves the new root, finish completes. */
    @Test
    void anInterruptedFinishIsCompletedByRunningFinishAgain() throws Exception {
        for (int stoppedAfter = 0; stoppedAfter < 4; stoppedAfter++) {
            Path d = dir.resolve("interrupted-" + stoppedAfter);
            CaLayout l = new CaLayout(d);
            ZoneCa first = CaInit.create(l, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, CLOCK);
            ZoneCa next = CaRotation.start(l, null, CaInit.DEFAULT_VALIDITY, CLOCK).roots().next();
            RotationState switched = CaRotation.switchIssuing(l, CLOCK).state();
            // what finish writes, in its order, stopped part-way as a crash would
            AtomicFiles.createNew(l.retiredCertificate(first.fingerprint()), Pem.encode(first.certificate())
                    .getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC);
            RotationStateFile.write(l, switched.to(Step.FINISHING, CLOCK.instant()));
            if (stoppedAfter >= 1) {
                AtomicFiles.write(l.privateKey(), Files.readAllBytes(l.nextPrivateKey()), AtomicFiles.PRIVATE);
            }
            if (stoppedAfter >= 2) {
                AtomicFiles.write(l.certificate(), Files.readAllBytes(l.nextCertificate()), AtomicFiles.PUBLIC);
            }
            if (stoppedAfter >= 3) {
                Files.delete(l.nextPrivateKey());
            }
            assertThat(CaLoader.loadRoots(l).published()).as("stopped after write " + stoppedAfter)
                    .containsExactly(next);
            assertThatThrownBy(() -> CaRotation.start(l, null, CaInit.DEFAULT_VALIDITY, CLOCK))
                    .hasMessageContaining("complete it first: trustctl pki rotate finish");

            CaRotation.Outcome o = CaRotation.finish(l, CLOCK);

            assertThat(o.alreadyDone()).isFalse();
            assertThat(o.state().step()).isEqualTo(Step.FINISHED);
            assertThat(CaLoader.load(l)).isEqualTo(next);
            assertThat(l.nextPrivateKey()).doesNotExist();
            assertThat(l.nextCertificate()).doesNotExist();
            assertThat(Files.readString(l.retiredCertificate(first.fingerprint())))
                    .isEqualTo(Pem.encode(first.certificate()));
        }
    }

    @Test
    void anInterruptedStartIsTakenOverWhenCompleteAndRefusedWhenNot() throws Exception {
        // the key written, the certificate not: refused, naming what to remove
        AtomicFiles.createNew(layout.nextPrivateKey(), Pem.encode(KeyType.EC_P256.generate().getPrivate())
                .getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
        assertThatThrownBy(this::start).isInstanceOf(PkiException.class)
                .hasMessage(layout.nextPrivateKey() + " exists without " + layout.nextCertificate()
                        + " and no rotation is recorded (an interrupted start?); it was never published: remove "
                        + layout.nextPrivateKey() + " and " + layout.nextCertificate() + ", then run start again");
        assertThat(layout.rotationState()).doesNotExist();
        // both written, the state not: the pair is taken over
        Files.delete(layout.nextPrivateKey());
        ZoneCa written = CaInit.writeNewRoot(layout.nextPrivateKey(), layout.nextCertificate(), "alice", KeyType.EC_P256,
                CaInit.DEFAULT_VALIDITY, IssuedLog.open(layout.issuedLog()), CLOCK);
        CaRotation.Outcome o = start();
        assertThat(o.alreadyDone()).isFalse();
        assertThat(o.roots().next()).isEqualTo(written);
    }

    @Test
    void aDamagedStateFileIsOneLine() throws Exception {
        start();
        String text = Files.readString(layout.rotationState());
        AtomicFiles.write(layout.rotationState(), text.replace("step=started", "step=sideways").getBytes());
        assertThatThrownBy(() -> CaLoader.loadRoots(layout)).isInstanceOf(PkiException.class)
                .hasMessage(layout.rotationState() + ": step 'sideways' is not one of started, switched, finishing, "
                        + "finished");
        AtomicFiles.write(layout.rotationState(), text.replaceAll("next=[0-9a-f]+", "next=zz").getBytes());
        assertThatThrownBy(() -> CaRotation.switchIssuing(layout, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessage(layout.rotationState() + ": next 'zz' is not a SHA-256 fingerprint (64 lowercase hex digits)");
    }

    @Test
    void theStateFileIsReadBackAsWritten() {
        RotationState s = new RotationState(Step.SWITCHED, Fingerprint.of(old.certificate()), "ab".repeat(32),
                CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        RotationStateFile.write(layout, s);
        assertThat(RotationStateFile.read(layout)).isEqualTo(s);
        assertThat(List.of(Step.values())).extracting(Step::word)
                .containsExactly("none", "started", "switched", "finishing", "finished");
    }
}
