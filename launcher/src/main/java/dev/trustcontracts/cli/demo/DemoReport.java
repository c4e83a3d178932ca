package dev.trustcontracts.cli.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the demo saw at each step, for the narration and for the end-to-end test. */
final class DemoReport {
    /** One handshake check: what the step expects and what the probe found. */
    record Check(String step, boolean expectOk, MtlsProbe.Result result) {
        boolean asExpected() {
            return result.ok() == expectOk;
        }
    }

    final List<Check> checks = new ArrayList<>();
    Duration mergeToHandshake;
    Duration deleteToFailure;
    /** Peer hashes for zone alice as the JSON API and the gRPC mirror report them, at the same commit. */
    List<String> jsonPeers = List.of();
    List<String> grpcPeers = List.of();
    /** How the server answered the push of the revoked file, and why. */
    org.eclipse.jgit.transport.RemoteRefUpdate.Status replayPush;
    String replayRefusal;

    boolean allAsExpected() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::asExpected);
    }
}
