package dev.trustcontracts.core.contract;

import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.Signatures;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.crypto.WeakKeyException;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies every validity rule to one contract file and reports all problems, not only the first.
 * Thread-safe; keep one instance so that signer-chain validations are cached across files.
 */
public final class ContractVerifier {
    /** The longest window a contract may span unless configured otherwise: every signed statement expires. */
    public static final Duration DEFAULT_MAX_WINDOW = Duration.ofDays(400);
    /** How far a signature's signed_at may lie ahead of the verifier's clock (clocks drift). */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /**
     * The version of the rules this class applies. Persisted verifications ({@link VerificationStore}) are
     * kept only for the same version: bump it with every change that can change a file's problems or bounds.
     */
    public static final int RULES_VERSION = 1;

    private final SignerChains chains = new SignerChains();
    private final Duration maxWindow;

    /** A verifier with the default maximum window ({@link #DEFAULT_MAX_WINDOW}). */
    public ContractVerifier() {
        this(DEFAULT_MAX_WINDOW);
    }

    /** @param maxWindow the longest {@code not_after - not_before} accepted; positive */
    public ContractVerifier(Duration maxWindow) {
        if (maxWindow == null || maxWindow.isNegative() || maxWindow.isZero()) {
            throw new IllegalArgumentException("the maximum contract window must be positive");
        }
        this.maxWindow = maxWindow;
    }

    /** The longest {@code not_after - not_before} this verifier accepts: an input of every verification. */
    public Duration maxWindow() {
        return maxWindow;
    }

    /** Verifies a file's bytes; the format comes from the path's extension. */
    public Verification verify(String path, byte[] content) {
        List<Problem> problems = new ArrayList<>();
        List<TimeBound> bounds = new ArrayList<>();
        Optional<ContractFormat> format = ContractFormat.forFileName(path);
        if (format.isEmpty()) {
            problems.add(Problem.of(path, Rule.LAYOUT, "a contract file ends in .yaml, .yml or .pb (lower case)"));
            return new Verification(path, null, problems, bounds);
        }
        Contract contract;
        try {
            contract = ContractCodec.parse(content, format.get());
        } catch (ContractFormatException e) {
            String where = e.field().isEmpty() ? "" : e.field() + ": ";
            problems.add(new Problem(path, e.line(), Rule.PARSE, null, where + e.getMessage()));
            return new Verification(path, null, problems, bounds);
        }
        new Checks(path, contract, problems, bounds).run();
        return new Verification(path, contract, problems, bounds);
    }

    /** Verifies at {@code now} and returns the problems, empty when the file is valid. */
    public List<Problem> problems(String path, byte[] content, Instant now) {
        return verify(path, content).problemsAt(now);
    }

    /** The checks of one parsed contract; collects into the given lists. */
    private final class Checks {
        private final String path;
        private final Contract contract;
        private final ContractBody body;
        private final List<Problem> problems;
        private final List<TimeBound> bounds;
        /** Each participant's listed roots that parsed and passed (current first), by name. */
        private final Map<String, List<ListedRoot>> roots = new HashMap<>();
        /** Participants with a listed root that did not parse or pass: reported once, as that root's problem. */
        private final Set<String> brokenRoots = new HashSet<>();

        Checks(String path, Contract contract, List<Problem> problems, List<TimeBound> bounds) {
            this.path = path;
            this.contract = contract;
            this.body = contract.getBody();
            this.problems = problems;
            this.bounds = bounds;
        }

        void run() {
            checkNameAndId();
            checkWindow();
            checkParticipants();
            checkSignatures();
        }

        private void problem(Rule rule, String participant, String message) {
            problems.add(Problem.of(path, rule, participant, message));
        }

        private void checkNameAndId() {
            String name = body.getName();
            if (!Names.isLabel(name)) {
                problem(Rule.NAME, null, "name '" + name + "' is not a DNS label (lowercase letters, digits, "
                        + "inner hyphens, at most 63)");
            }
            String base = ContractFormat.baseName(path);
            if (!name.isEmpty() && !base.equals(name)) {
                problem(Rule.NAME, null, "name '" + name + "' does not match the file name '" + base + "'");
            }
            if (!Names.isId(body.getId())) {
                problem(Rule.ID, null, body.getId().isEmpty() ? "id is missing"
                        : "id '" + body.getId() + "' is not 32 lowercase hex digits");
            }
        }

        private void checkWindow() {
            if (!body.hasNotBefore() || !body.hasNotAfter()) {
                problem(Rule.WINDOW, null, "not_before and not_after are both required");
                return;
            }
            Instant nb = ProtoTime.toInstant(body.getNotBefore());
            Instant na = ProtoTime.toInstant(body.getNotAfter());
            if (!na.isAfter(nb)) {
                problem(Rule.WINDOW, null, "not_after " + na + " is not after not_before " + nb);
                return;
            }
            Duration window = Duration.between(nb, na);
            if (window.compareTo(maxWindow) > 0) {
                problem(Rule.WINDOW_TOO_LONG, null, "the window " + nb + " .. " + na + " spans " + days(window)
                        + "; at most " + days(maxWindow) + " is allowed");
            }
            bounds.add(new TimeBound(Rule.EXPIRED, null, "the contract", nb, na));
        }

        private void checkParticipants() {
            if (body.getParticipantsCount() < 2) {
                problem(Rule.PARTICIPANTS, null, "a contract needs at least two participants, found "
                        + body.getParticipantsCount());
            }
            Set<String> names = new HashSet<>();
            Map<String, String> hashes = new HashMap<>();
            for (int i = 0; i < body.getParticipantsCount(); i++) {
                Participant p = body.getParticipants(i);
                String who = p.getName().isEmpty() ? "#" + (i + 1) : p.getName();
                if (!Names.isLabel(p.getName())) {
                    problem(Rule.PARTICIPANT_NAME, who, "name '" + p.getName() + "' is not a DNS label");
                } else if (!names.add(p.getName())) {
                    problem(Rule.PARTICIPANT_NAME, who, "the name appears more than once");
                }
                List<ListedRoot> listed = new ArrayList<>();
                boolean sound = checkListedRoot(who, false, p.getCertificate(), p.getHash(), hashes, listed);
                if (p.hasNext()) {
                    sound &= checkListedRoot(who, true, p.getNext().getCertificate(), p.getNext().getHash(), hashes,
                            listed);
                }
                if (Names.isLabel(p.getName()) && !roots.containsKey(p.getName())) {
                    roots.put(p.getName(), List.copyOf(listed));
                    if (!sound) {
                        brokenRoots.add(p.getName());
                    }
                }
            }
        }

        /**
         * Checks one listed root of a participant (its current root, or its next root) and adds it to
         * {@code listed} when it is sound. The current root's messages are those of the format before next
         * roots existed; the next root's name it.
         */
        private boolean checkListedRoot(String who, boolean next, String pem, String declared,
                Map<String, String> hashes, List<ListedRoot> listed) {
            X509Certificate cert;
            try {
                cert = Pem.certificate(pem);
            } catch (PemException e) {
                problem(Rule.CERTIFICATE, who, (next ? "next.certificate: " : "certificate: ") + e.getMessage());
                return false;
            }
            String actual = Fingerprint.of(cert);
            String label = next ? who + "'s next root" : who;
            String other = hashes.putIfAbsent(actual, label);
            if (other != null) {
                if (next && other.equals(who)) {
                    problem(Rule.DUPLICATE_ROOT, who, "the next root is the same certificate as the current root");
                } else {
                    problem(Rule.DUPLICATE_ROOT, who, (next ? "the next root is " : "")
                            + "the same root certificate as participant " + other);
                }
            }
            if (!actual.equals(declared)) {
                problem(Rule.HASH_MISMATCH, who, (next ? "next.hash: declared hash " : "declared hash ")
                        + (declared.isEmpty() ? "(missing)" : declared)
                        + " does not match the " + (next ? "next root" : "certificate") + "'s SHA-256 " + actual);
            }
            boolean sound = checkRoot(who, next ? "next root " : "", cert);
            bounds.add(new TimeBound(Rule.CERTIFICATE_VALIDITY, who, next ? "the next root certificate"
                    : "the root certificate", cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()));
            if (sound) {
                listed.add(new ListedRoot(next, cert, actual));
            }
            return sound;
        }

        private boolean checkRoot(String who, String role, X509Certificate cert) {
            boolean sound = true;
            Optional<CertificateChecks.CaDefect> defect = CertificateChecks.caDefect(cert);
            if (defect.isPresent()) {
                problem(Rule.NOT_CA, who, role + "certificate " + cert.getSubjectX500Principal().getName()
                        + (defect.get() == CertificateChecks.CaDefect.NOT_CA
                                ? " is not a CA (basicConstraints cA is false or missing)"
                                : " lacks the keyCertSign key usage"));
                sound = false;
            }
            try {
                KeyType.of(cert.getPublicKey());
            } catch (WeakKeyException e) {
                problem(Rule.WEAK_KEY, who, (role.isEmpty() ? "root " : role) + "key: " + e.getMessage());
                sound = false;
            }
            return sound;
        }

        private void checkSignatures() {
            Map<String, Participant> byName = new HashMap<>();
            body.getParticipantsList().forEach(p -> byName.putIfAbsent(p.getName(), p));
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Set<String>> covered = new HashMap<>();
            Set<String> failed = new HashSet<>();
            for (int i = 0; i < contract.getSignaturesCount(); i++) {
                dev.trustcontracts.proto.v1.Signature s = contract.getSignatures(i);
                String who = s.getParticipant();
                if (!byName.containsKey(who)) {
                    problem(Rule.SIGNATURE_UNEXPECTED, null, "signature #" + (i + 1) + " is for '" + who
                            + "', who is not a participant");
                    continue;
                }
                boolean twoRoots = byName.get(who).hasNext();
                if (counts.merge(who, 1, Integer::sum) > (twoRoots ? 2 : 1)) {
                    problem(Rule.SIGNATURE_UNEXPECTED, who, twoRoots
                            ? "more than two signatures (one with each of its roots)" : "more than one signature");
                    continue;
                }
                Set<String> hit = checkSignature(who, s);
                if (hit.isEmpty()) {
                    failed.add(who);
                    continue;
                }
                Set<String> mine = covered.computeIfAbsent(who, k -> new HashSet<>());
                if (mine.containsAll(hit)) {
                    problem(Rule.SIGNATURE_UNEXPECTED, who, "a second signature with its " + role(who, hit)
                            + "; a participant with a next root signs once with each root");
                    continue;
                }
                mine.addAll(hit);
            }
            for (Participant p : body.getParticipantsList()) {
                String who = p.getName();
                if (who.isEmpty()) {
                    continue;
                }
                if (!counts.containsKey(who)) {
                    problem(Rule.SIGNATURE_MISSING, who, "has not signed");
                } else if (p.hasNext() && !failed.contains(who) && !brokenRoots.contains(who)) {
                    // every root listed for a zone must have agreed to the contract: one signature chaining
                    // to the next root alone would let its holder claim the current root (another zone's)
                    Set<String> mine = covered.getOrDefault(who, Set.of());
                    for (ListedRoot r : roots.getOrDefault(who, List.of())) {
                        if (!mine.contains(r.hash())) {
                            problem(Rule.SIGNATURE_MISSING, who, "has not signed with its " + r.role() + " (sha256:"
                                    + r.hash() + "); a participant with a next root signs once with each root");
                        }
                    }
                }
            }
        }

        /** "current root", "next root" or "current and next root": which of the participant's roots these are. */
        private String role(String who, Set<String> hashes) {
            List<String> roles = roots.getOrDefault(who, List.of()).stream()
                    .filter(r -> hashes.contains(r.hash())).map(r -> r.next() ? "next" : "current").toList();
            return String.join(" and ", roles) + " root";
        }

        /** Checks one signature; returns the fingerprints of the participant's roots its chain leads to. */
        private Set<String> checkSignature(String who, dev.trustcontracts.proto.v1.Signature s) {
            List<X509Certificate> chain = new ArrayList<>();
            for (int j = 0; j < s.getCertificateChainCount(); j++) {
                try {
                    chain.add(Pem.certificate(s.getCertificateChain(j)));
                } catch (PemException e) {
                    problem(Rule.SIGNER_CHAIN, who, "certificate_chain[" + j + "]: " + e.getMessage());
                    return Set.of();
                }
            }
            if (chain.isEmpty()) {
                problem(Rule.SIGNER_CHAIN, who, "the signature carries no signer certificate");
                return Set.of();
            }
            X509Certificate signer = chain.get(0);
            KeyType type;
            try {
                type = KeyType.of(signer.getPublicKey());
            } catch (WeakKeyException e) {
                problem(Rule.WEAK_KEY, who, "signer key: " + e.getMessage());
                return Set.of();
            }
            if (!type.signatureAlgorithm().equals(s.getAlgorithm())) {
                problem(Rule.SIGNATURE_INVALID, who, "algorithm '" + s.getAlgorithm()
                        + "' does not match the signer's " + type.id() + " key (" + type.signatureAlgorithm() + ")");
                return Set.of();
            }
            if (!s.hasSignedAt()) {
                problem(Rule.SIGNATURE_INVALID, who, "signed_at is missing");
                return Set.of();
            }
            checkSignedAt(who, ProtoTime.toInstant(s.getSignedAt()));
            if (!verifies(s, signer)) {
                problem(Rule.SIGNATURE_INVALID, who, "the signature does not verify: the contract changed after "
                        + "signing, or the value is not this signer's");
                return Set.of();
            }
            List<ListedRoot> listed = roots.getOrDefault(who, List.of());
            Set<String> hit = new HashSet<>();
            Set<String> errors = new java.util.LinkedHashSet<>();
            SignerChains.Window window = null;
            for (ListedRoot r : listed) {
                SignerChains.Result res = chains.validate(chain, r.certificate(), r.hash());
                if (res.error() == null) {
                    hit.add(r.hash());
                    window = window == null ? res.window() : window;
                } else {
                    errors.add(listed.size() > 1 ? r.role() + ": " + res.error() : res.error());
                }
            }
            if (hit.isEmpty()) {
                // a broken root is already reported, and the chain may lead to it
                if (!listed.isEmpty() && !brokenRoots.contains(who)) {
                    problem(Rule.SIGNER_CHAIN, who, String.join("; ", errors));
                }
                return Set.of();
            }
            bounds.add(new TimeBound(Rule.SIGNER_VALIDITY, who, "the signer certificate "
                    + signer.getSubjectX500Principal().getName(), window.notBefore(), window.notAfter()));
            return hit;
        }

        /** A signature is made inside the window it signs, and never later than now (give or take the skew). */
        private void checkSignedAt(String who, Instant at) {
            if (body.hasNotBefore() && body.hasNotAfter()) {
                Instant nb = ProtoTime.toInstant(body.getNotBefore());
                Instant na = ProtoTime.toInstant(body.getNotAfter());
                // a missing or unordered window is reported once, as [window]; a signer whose clock is a
                // little behind the drafter's (contract new sets not_before to now) is not refused for it
                if (na.isAfter(nb) && (at.isBefore(nb.minus(CLOCK_SKEW)) || at.isAfter(na))) {
                    problem(Rule.SIGNED_AT, who, "signed_at " + at + " lies outside the window " + nb + " .. " + na);
                }
            }
            bounds.add(new TimeBound(Rule.SIGNED_AT, who, "signed_at " + at + " lies in the future (more than "
                    + CLOCK_SKEW.toMinutes() + " minutes ahead of this clock)", at.minus(CLOCK_SKEW), Instant.MAX));
        }

        private boolean verifies(dev.trustcontracts.proto.v1.Signature s, X509Certificate signer) {
            return Signatures.verify(s.getAlgorithm(), signer.getPublicKey(),
                    SigningPayloads.bytes(body, s.getParticipant(), s.getAlgorithm(), s.getSignedAt(),
                            s.getCertificateChainList()),
                    s.getValue().toByteArray());
        }
    }

    /** One of a participant's roots that parsed and passed the root rules. */
    private record ListedRoot(boolean next, X509Certificate certificate, String hash) {
        String role() {
            return next ? "next root" : "current root";
        }
    }

    private static String days(Duration d) {
        long whole = d.toDays();
        return d.equals(Duration.ofDays(whole)) ? whole + " days" : whole + " days and " + d.minusDays(whole).toSeconds()
                + " seconds";
    }
}
