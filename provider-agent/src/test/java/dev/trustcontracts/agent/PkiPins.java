package dev.trustcontracts.agent;

import dev.trustcontracts.testing.PkiZone;

/**
 * The agent's link settings for a test zone: its PKI pinned by the root's fingerprint. Here rather than on
 * {@link PkiZone}, since the testing module that holds the zone knows no agent types (the agent's own tests
 * use that module).
 */
final class PkiPins {
    private PkiPins() {
    }

    static ChannelOptions pin(PkiZone zone) {
        return ChannelOptions.builder().pkiFingerprint(zone.ca.fingerprint()).build();
    }
}
