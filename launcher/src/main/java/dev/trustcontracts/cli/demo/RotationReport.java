package dev.trustcontracts.cli.demo;

import java.time.Duration;
import java.util.List;

/**
 * What {@code trustctl demo --rotate} measured: the client loop's handshakes and failures over the whole rotation,
 * and where alice's old root was still found at the end (nowhere, when all went well).
 *
 * @param handshakes       successful handshakes from alice's client to bob's service
 * @param failures         every failed handshake, with its time
 * @param ran              how long the client loop ran
 * @param withOldRoot      successful handshakes in which alice presented a certificate of her old root
 * @param withNewRoot      successful handshakes in which alice presented a certificate of her new root
 * @param meanTimes        the loop's mean handshake, request and client CPU times
 * @param oldRoot          alice's first root (SHA-256)
 * @param newRoot          alice's root after the rotation (SHA-256)
 * @param switchToRenewal  from {@code pki rotate switch} to alice's agent holding a certificate of the new root
 * @param oldRootFoundIn   every bundle that still holds the old root at the end ("bob agent chain.pem", ...)
 */
record RotationReport(long handshakes, List<HandshakeLoop.Failure> failures, Duration ran, long withOldRoot,
        long withNewRoot, String meanTimes, String oldRoot, String newRoot, Duration switchToRenewal, List<String> oldRootFoundIn) {
    RotationReport {
        failures = List.copyOf(failures);
        oldRootFoundIn = List.copyOf(oldRootFoundIn);
    }

    /** Successful handshakes a second over the loop's run. */
    double rate() {
        return ran.isZero() ? 0 : handshakes / (ran.toNanos() / 1e9);
    }

    /** Zero failed handshakes, some succeeded, and the old root in no bundle. */
    boolean ok() {
        return failures.isEmpty() && handshakes > 0 && oldRootFoundIn.isEmpty();
    }
}
