package dev.trustcontracts.core.crypto;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** What a certificate is for; decides its basic constraints, key usage and extended key usage. */
public enum CertificateProfile {
    /** A zone's root: CA, signs certificates and CRLs. */
    ROOT_CA,
    /** A workload or proxy certificate for mTLS: both server and client authentication. */
    TLS,
    /** An admin's contract-signing certificate: it can sign contracts for its zone and nothing else. */
    CONTRACT_SIGNER,
    /** A repo-server's heartbeat key, self-signed: it signs freshness heartbeats and nothing else, and is no CA. */
    HEARTBEAT_SIGNER;

    /**
     * Extended key usage that marks a contract-signing certificate. An OID under the UUID arc 2.25
     * (ITU-T X.667), so it needs no registration; a TLS certificate of the same zone lacks it and so
     * cannot co-sign contracts even though it chains to the zone's root.
     */
    public static final ASN1ObjectIdentifier CONTRACT_SIGNING_EKU =
            new ASN1ObjectIdentifier("2.25.46824691444648985127914747846055327657");
}
