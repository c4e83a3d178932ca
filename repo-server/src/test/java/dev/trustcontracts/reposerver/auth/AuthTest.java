package dev.trustcontracts.reposerver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.reposerver.HostPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
    @TempDir
    Path tmp;

    @Test
    void passwordHashesAreSaltedAndVerify() {
        PasswordHasher h = new PasswordHasher(1_000);
        String a = h.hash("pw".toCharArray());
        String b = h.hash("pw".toCharArray());
        assertThat(a).startsWith("pbkdf2-sha256$1000$").isNotEqualTo(b);
        assertThat(PasswordHasher.verify("pw".toCharArray(), a)).isTrue();
        assertThat(PasswordHasher.verify("pw2".toCharArray(), a)).isFalse();
        assertThat(PasswordHasher.verify("pw".toCharArray(), "garbage")).isFalse();
        assertThat(PasswordHasher.verify("pw".toCharArray(), "pbkdf2-sha256$x$y$z")).isFalse();
        assertThat(new PasswordHasher().hash("x".toCharArray())).startsWith("pbkdf2-sha256$600000$");
    }

    @Test
    void usersFileIsPrivateAndReloadedWhenItChanges() throws Exception {
        Path file = tmp.resolve("users");
        UserStore reader = new UserStore(file);
        assertThat(reader.isEmpty()).isTrue();
        new UserStore(file).put("alice", "one".toCharArray(), new PasswordHasher(1_000));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain("one");
        assertThat(reader.authenticate("alice", "one".toCharArray())).isTrue();
        assertThat(reader.authenticate("alice", "two".toCharArray())).isFalse();
        assertThat(reader.authenticate("nobody", "one".toCharArray())).isFalse();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        new UserStore(file).put("alice", "two".toCharArray(), new PasswordHasher(1_000));
        assertThat(reader.authenticate("alice", "two".toCharArray())).isTrue();
        assertThat(reader.authenticate("alice", "one".toCharArray())).isFalse();
    }

    @Test
    void throttleBlocksPerUserAndAddressWithGrowingBoundedDelays() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(15), clock);
        fail(t, "u", "1.2.3.4");
        assertThat(refusal(t, "u", "1.2.3.4")).isEqualTo(Duration.ofMillis(100));
        assertThat(refusal(t, "u", "5.6.7.8")).as("the user is blocked from any address").isEqualTo(Duration.ofMillis(100));
        LoginThrottle.Decision other = t.begin("v", "1.2.3.4");
        assertThat(other).as("the address gets a few free failures").isInstanceOf(LoginThrottle.Permit.class);
        ((LoginThrottle.Permit) other).abandoned();
        clock.now = clock.now.plusMillis(100);
        fail(t, "u", "1.2.3.4");
        assertThat(refusal(t, "u", "1.2.3.4")).isEqualTo(Duration.ofMillis(200));
        for (int i = 0; i < 40; i++) {
            clock.now = clock.now.plusSeconds(2);
            fail(t, "u", "1.2.3.4");
        }
        assertThat(refusal(t, "u", "1.2.3.4")).as("bounded").isEqualTo(Duration.ofSeconds(2));
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        fail(t, "u", "1.2.3.4");
        assertThat(refusal(t, "u", "1.2.3.4")).as("forgotten after a quiet period").isEqualTo(Duration.ofMillis(100));
        clock.now = clock.now.plusSeconds(1);
        ((LoginThrottle.Permit) t.begin("u", "5.6.7.8")).succeeded();
        fail(t, "u", "5.6.7.8");
        assertThat(refusal(t, "u", "5.6.7.8")).as("a success clears the user's count").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void oneAttemptInFlightPerUserAndPerAddress() {
        LoginThrottle t = new LoginThrottle(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(15),
                new MutableClock());
        LoginThrottle.Permit p = (LoginThrottle.Permit) t.begin("u", "1.2.3.4");
        assertThat(t.begin("u", "5.6.7.8")).as("same user").isInstanceOf(LoginThrottle.Refused.class);
        assertThat(t.begin("v", "1.2.3.4")).as("same address").isInstanceOf(LoginThrottle.Refused.class);
        assertThat(t.begin("v", "5.6.7.8")).isInstanceOf(LoginThrottle.Permit.class);
        p.abandoned();
        assertThat(t.begin("u", "1.2.3.4")).as("free again, nothing counted").isInstanceOf(LoginThrottle.Permit.class);
    }

    @Test
    void aFloodOfOtherNamesCannotClearAnAttackersEntry() {
        MutableClock clock = new MutableClock();
        LoginThrottle t = new LoginThrottle(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(15),
                clock, 100);
        for (int i = 0; i < 6; i++) {
            clock.now = clock.now.plusSeconds(60);
            fail(t, "victim", "6.6.6.6");
        }
        // the attacker floods the table from many addresses with many names, far past its capacity
        for (int i = 0; i < 1_000; i++) {
            clock.now = clock.now.plusMillis(1);
            if (t.begin("name" + i, "10.0." + (i / 250) + "." + (i % 250)) instanceof LoginThrottle.Permit p) {
                p.failed();
            }
            assertThat(t.size()).isLessThanOrEqualTo(100);
        }
        assertThat(refusal(t, "victim", "7.7.7.7")).as("the victim's entry, blocked, survived the flood")
                .isGreaterThan(Duration.ofSeconds(20));
    }

    private static void fail(LoginThrottle t, String user, String address) {
        LoginThrottle.Decision d = t.begin(user, address);
        assertThat(d).isInstanceOf(LoginThrottle.Permit.class);
        ((LoginThrottle.Permit) d).failed();
    }

    private static Duration refusal(LoginThrottle t, String user, String address) {
        LoginThrottle.Decision d = t.begin(user, address);
        assertThat(d).isInstanceOf(LoginThrottle.Refused.class);
        return ((LoginThrottle.Refused) d).retryAfter();
    }

    @Test
    void authenticatorChecksBasicCredentials() throws Exception {
        Path file = tmp.resolve("users");
        new UserStore(file).put("admin", "s3cret".toCharArray(), new PasswordHasher(1_000));
        Authenticator a = new Authenticator(new UserStore(file),
                new LoginThrottle(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1), Clock.systemUTC()));
        assertThat(a.check(basic("admin:s3cret"), "r").user()).contains("admin");
        assertThat(a.check(basic("admin:s3cret"), "r").user()).as("remembered").contains("admin");
        assertThat(a.check(basic("admin:wrong"), "r").ok()).isFalse();
        assertThat(a.check(basic("ghost:s3cret"), "r").ok()).isFalse();
        assertThat(a.check("Basic !!!", "r").outcome()).isEqualTo(Authenticator.Outcome.MALFORMED);
        assertThat(a.check(basic("no colon"), "r").outcome()).isEqualTo(Authenticator.Outcome.MALFORMED);
        assertThat(a.check(basic("Not A Name:pw"), "r").outcome()).isEqualTo(Authenticator.Outcome.MALFORMED);
        assertThat(a.check(null, "r").credentialsGiven()).isFalse();
        assertThat(a.check("Bearer x", "r").credentialsGiven()).isFalse();
        // a changed password invalidates the remembered login at once
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        new UserStore(file).put("admin", "new".toCharArray(), new PasswordHasher(1_000));
        assertThat(a.check(basic("admin:s3cret"), "r").ok()).isFalse();
        assertThat(a.check(basic("admin:new"), "r").ok()).isTrue();
    }

    @Test
    void passwordChecksBeyondTheCapAreRefusedAtOnceAndNotCounted() throws Exception {
        Path file = tmp.resolve("users");
        // a deliberately slow hash, so that one check is surely still running while the second comes
        new UserStore(file).put("slow", "pw".toCharArray(), new PasswordHasher(3_000_000));
        new UserStore(file).put("other", "pw".toCharArray(), new PasswordHasher(1_000));
        Authenticator a = new Authenticator(new UserStore(file), LoginThrottle.standard(Clock.systemUTC()), 1);
        java.util.concurrent.CompletableFuture<Authenticator.Result> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> a.check(basic("slow:wrong"), "1.1.1.1"));
        for (int i = 0; i < 2_000 && a.freePasswordChecks() > 0 && !first.isDone(); i++) {
            Thread.sleep(5);
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(first.isDone(), "the slow hash finished before it was observed");
        Authenticator.Result busy = a.check(basic("other:pw"), "2.2.2.2");
        assertThat(busy.outcome()).isEqualTo(Authenticator.Outcome.BUSY);
        assertThat(busy.retryAfterSeconds()).isEqualTo(1);
        assertThat(first.get().outcome()).isEqualTo(Authenticator.Outcome.WRONG);
        assertThat(a.check(basic("other:pw"), "2.2.2.2").ok()).as("nothing was counted against it").isTrue();
    }

    @Test
    void listenAddresses() {
        assertThat(HostPort.parse("127.0.0.1:8080")).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(HostPort.parse(":9090")).isEqualTo(new HostPort("127.0.0.1", 9090));
        assertThat(HostPort.parse("[::1]:0")).isEqualTo(new HostPort("::1", 0));
        assertThat(HostPort.parse("[::1]:0").toString()).isEqualTo("[::1]:0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostPort.parse("localhost"))
                .hasMessageContaining("host:port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostPort.parse("h:99999"))
                .hasMessageContaining("out of range");
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
