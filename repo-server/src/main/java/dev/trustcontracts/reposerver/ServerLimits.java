package dev.trustcontracts.reposerver;

import java.time.Duration;

/**
 * Bounds that keep the HTTP port answering under abuse (see docs/repo-server.md, "Limits").
 *
 * @param maxThreads      Jetty's request threads (Git may use at most half of them)
 * @param idleTimeout     a connection that sends and accepts nothing for this long is closed
 * @param gitRequests     Git requests served at once; more get 503 with Retry-After at once, so Git can never take
 *                        all request threads
 * @param gitPerClient    Git requests one client address may have in progress at once
 * @param minDataRate     bytes per second a Git request must move while it waits on its client (reading the body or
 *                        writing the answer); a slower one is cut off after {@code dataRateGrace} of waiting
 * @param dataRateGrace   time a Git request may wait on its client before its rate is judged
 * @param passwordChecks  slow password hashes computed at once; a login beyond it gets 429 at once
 */
public record ServerLimits(int maxThreads, Duration idleTimeout, int gitRequests, int gitPerClient,
                           long minDataRate, Duration dataRateGrace, int passwordChecks) {

    public static final ServerLimits DEFAULT = new ServerLimits(200, Duration.ofSeconds(30), 32, 4, 1_024,
            Duration.ofSeconds(5), Runtime.getRuntime().availableProcessors());

    public ServerLimits {
        if (maxThreads < 16) {
            throw new IllegalArgumentException("the thread limit must be at least 16, not " + maxThreads);
        }
        if (gitRequests < 1 || gitRequests > maxThreads / 2) {
            throw new IllegalArgumentException("concurrent Git requests must be between 1 and half the threads ("
                    + maxThreads / 2 + "), not " + gitRequests);
        }
        if (gitPerClient < 1 || passwordChecks < 1 || minDataRate < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || dataRateGrace.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** A builder holding these limits, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Fluent construction; the limits are checked by {@link #build}. */
    public static final class Builder {
        private int maxThreads;
        private Duration idleTimeout;
        private int gitRequests;
        private int gitPerClient;
        private long minDataRate;
        private Duration dataRateGrace;
        private int passwordChecks;

        private Builder(ServerLimits from) {
            maxThreads = from.maxThreads;
            idleTimeout = from.idleTimeout;
            gitRequests = from.gitRequests;
            gitPerClient = from.gitPerClient;
            minDataRate = from.minDataRate;
            dataRateGrace = from.dataRateGrace;
            passwordChecks = from.passwordChecks;
        }

        /** Git requests served at once, and per client address. */
        public Builder git(int requests, int perClient) {
            gitRequests = requests;
            gitPerClient = perClient;
            return this;
        }

        /** The minimum data rate of a Git request waiting on its client, judged after {@code grace}. */
        public Builder dataRate(long bytesPerSecond, Duration grace) {
            minDataRate = bytesPerSecond;
            dataRateGrace = grace;
            return this;
        }

        public Builder threads(int v) {
            maxThreads = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder passwordChecks(int v) {
            passwordChecks = v;
            return this;
        }

        public ServerLimits build() {
            return new ServerLimits(maxThreads, idleTimeout, gitRequests, gitPerClient, minDataRate, dataRateGrace,
                    passwordChecks);
        }
    }
}
