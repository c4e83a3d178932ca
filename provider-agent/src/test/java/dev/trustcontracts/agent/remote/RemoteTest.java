package dev.trustcontracts.agent.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What health, metrics and logs show of a --remote: never a password or a token. */
class RemoteTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "https://host/c.git                        | https://host/c.git",
        "https://user:s3cret@host:8443/c.git       | https://host:8443/c.git",
        "https://ghp_t0ken@github.com/o/c.git      | https://github.com/o/c.git",
        "http://u:p%40ss@127.0.0.1:1/git/c.git     | http://127.0.0.1:1/git/c.git",
        "ssh://git@host:2222/c.git                 | ssh://git@host:2222/c.git",
        "ssh://git:s3cret@host/c.git               | ssh://host/c.git",
        "git@host:org/c.git                        | git@host:org/c.git",
        "git://127.0.0.1:9418/c.git                | git://127.0.0.1:9418/c.git",
        "/srv/contracts.git                        | /srv/contracts.git",
    })
    void theLabelDropsUserinfoButAnSshUserName(String url, String label) {
        assertThat(new Remote(0, url).label()).isEqualTo(label);
    }

    @Test
    void aMessageNamingTheUrlIsScrubbedWhereverTheUrlAppears() {
        Remote r = new Remote(1, "https://deploy:s3cret@host/c.git");
        assertThat(r.scrub("fetch from https://deploy:s3cret@host/c.git failed: https://deploy@host/c.git: "
                + "not authorized")).isEqualTo("fetch from https://host/c.git failed: https://host/c.git: not authorized");
        assertThat(r.name()).isEqualTo("remote1");
        assertThat(r.trackingRef()).isEqualTo("refs/remotes/remote1/main");
        assertThat(new Remote(0, "x").trackingRef()).as("a single remote's clone is what it was")
                .isEqualTo("refs/remotes/origin/main");
    }
}
