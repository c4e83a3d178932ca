package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.tree.RepositoryLayout;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import dev.trustcontracts.reposerver.git.ContractRepository;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * What a proposal branch would bring to main, for {@code GET /api/proposals/<branch>}: the changed files
 * since the branch left main (the merge base, as a pull request shows them) with a unified diff each, and
 * for every contract file the branch adds or changes, which participants have signed and which have not.
 */
final class ProposalView {
    /** Diff text is given for at most this many files; the rest are listed without it. */
    static final int MAX_DIFFS = 100;

    private ProposalView() {
    }

    static Map<String, Object> json(ContractRepository repository, String branch, ObjectId tip,
                                    TreeValidator.Verdict verdict, long maxFileBytes) throws IOException {
        Map<String, Object> m = JsonViews.verdict(branch, verdict);
        Repository repo = repository.git();
        ObjectId main = repository.main();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit mainC = rw.parseCommit(main);
            RevCommit tipC = rw.parseCommit(tip);
            boolean merged = rw.isMergedInto(tipC, mainC);
            rw.reset();
            rw.setRevFilter(RevFilter.MERGE_BASE);
            rw.markStart(rw.parseCommit(main));
            rw.markStart(rw.parseCommit(tip));
            RevCommit base = rw.next();
            rw.reset();
            rw.setRevFilter(RevFilter.ALL);
            List<Problem> all = new ArrayList<>(verdict.blocking());
            all.addAll(verdict.warnings());
            // by file once: looking them up per participant would cost files x problems (minutes on a big branch)
            Map<String, List<Problem>> byFile = new java.util.HashMap<>();
            all.forEach(p -> byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p));
            boolean unfinished = all.stream().anyMatch(p -> p.rule().isAllowedOnProposals());
            m.put("subject", tipC.getShortMessage());
            m.put("author", tipC.getAuthorIdent().getName());
            m.put("main", main.name());
            m.put("base", base == null ? null : base.name());
            m.put("mergedIntoMain", merged);
            m.put("mergeable", verdict.accepted() && !unfinished && !merged);
            m.put("missingSignatures", all.stream().filter(p -> p.rule() == Rule.SIGNATURE_MISSING)
                    .map(p -> Map.of("file", p.file(), "participant", p.participant() == null ? "" : p.participant()))
                    .toList());

            List<Map<String, Object>> files = new ArrayList<>();
            List<Map<String, Object>> contracts = new ArrayList<>();
            List<Map<String, Object>> summary = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DiffFormatter df = new DiffFormatter(out)) {
                df.setReader(reader, repo.getConfig());
                df.setContext(3);
                df.setBinaryFileThreshold((int) Math.min(Integer.MAX_VALUE, Math.max(maxFileBytes, 1)));
                List<DiffEntry> entries = df.scan(base == null ? null : base.getTree(), tipC.getTree());
                int n = 0;
                for (DiffEntry e : entries) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
                    f.put("path", path);
                    f.put("change", e.getChangeType().name().toLowerCase(java.util.Locale.ROOT));
                    if (n++ < MAX_DIFFS) {
                        out.reset();
                        df.format(e);
                        df.flush();
                        f.put("diff", out.toString(StandardCharsets.UTF_8));
                    } else {
                        f.put("diff", null);
                    }
                    files.add(f);
                    if (e.getChangeType() != DiffEntry.ChangeType.DELETE && RepositoryLayout.isContractPath(path)) {
                        contracts.add(signatures(reader, path, e.getNewId().toObjectId(),
                                byFile.getOrDefault(path, List.of()), maxFileBytes));
                        summary.add(ProposalSummary.changed(reader, mainC, path, e.getNewId().toObjectId(),
                                byFile.getOrDefault(path, List.of()), maxFileBytes));
                    } else if (RepositoryLayout.isContractPath(path)) {
                        summary.add(ProposalSummary.removed(path));
                    }
                }
            }
            m.put("files", files);
            m.put("filesTruncated", files.size() > MAX_DIFFS);
            m.put("contracts", contracts);
            // what the merge changes, per contract file, against main as it is now (ProposalSummary)
            m.put("summary", summary);
        }
        return m;
    }

    /** Who has signed the contract file at {@code path}, by participant. */
    private static Map<String, Object> signatures(ObjectReader reader, String path, ObjectId blob, List<Problem> problems,
                                                  long maxFileBytes) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        ObjectLoader loader = reader.open(blob);
        if (loader.getSize() > maxFileBytes) {
            m.put("error", "file too large");
            return m;
        }
        Contract c;
        try {
            c = ContractCodec.parse(loader.getBytes(), ContractFormat.forFileName(path).orElseThrow());
        } catch (ContractFormatException e) {
            m.put("error", e.getMessage());
            return m;
        }
        m.put("name", c.getBody().getName());
        m.put("notBefore", JsonViews.instant(c.getBody().getNotBefore()));
        m.put("notAfter", JsonViews.instant(c.getBody().getNotAfter()));
        List<Map<String, Object>> ps = new ArrayList<>();
        for (Participant p : c.getBody().getParticipantsList()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.getName());
            pm.put("hash", p.getHash());
            Signature sig = c.getSignaturesList().stream().filter(s -> s.getParticipant().equals(p.getName()))
                    .findFirst().orElse(null);
            List<String> own = problems.stream()
                    .filter(x -> path.equals(x.file()) && p.getName().equals(x.participant())
                            && x.rule().concernsSignature())
                    .map(x -> x.rule().code() + ": " + x.message()).toList();
            String status;
            if (sig == null) {
                status = "missing";
            } else if (own.isEmpty()) {
                status = "signed";
            } else {
                status = "invalid";
            }
            pm.put("status", status);
            pm.put("signedAt", sig == null ? null : JsonViews.instant(sig.getSignedAt()));
            pm.put("signer", sig == null ? null : JsonViews.signerSubject(sig));
            pm.put("problems", own);
            ps.add(pm);
        }
        m.put("participants", ps);
        return m;
    }
}
