package dev.trustcontracts.core.tree;

import java.util.List;

/**
 * A peer zone's root in a bundle. A peer that lists a next root during a rotation has two, one entry each.
 *
 * @param name        the peer's participant name (from the first contract, by name, that names it)
 * @param hash        SHA-256 fingerprint of the root
 * @param certificate the root, PEM
 * @param trustDomain the declared trust domain, or empty
 * @param contracts   the names of the contracts through which it is trusted, sorted
 */
public record PeerRoot(String name, String hash, String certificate, String trustDomain, List<String> contracts) {
    public PeerRoot {
        contracts = List.copyOf(contracts);
    }
}
