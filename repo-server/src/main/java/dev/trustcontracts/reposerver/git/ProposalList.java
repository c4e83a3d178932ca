package dev.trustcontracts.reposerver.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** The branches other than main, with whether each is already merged. */
final class ProposalList {
    private ProposalList() {
    }

    static List<Map<String, Object>> list(ContractRepository repository) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        ObjectId main = repository.main();
        try (RevWalk rw = new RevWalk(repository.git())) {
            RevCommit mainC = rw.parseCommit(main);
            for (Ref ref : repository.git().getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (ref.getName().equals(ContractRepository.MAIN) || ref.getObjectId() == null) {
                    continue;
                }
                rw.reset();
                RevCommit tip = rw.parseCommit(ref.getObjectId());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("branch", RefNamePolicy.shortName(ref.getName()));
                m.put("commit", tip.name());
                m.put("subject", tip.getShortMessage());
                m.put("author", tip.getAuthorIdent().getName());
                m.put("committedAt", tip.getCommitterIdent().getWhenAsInstant().toString());
                m.put("mergedIntoMain", rw.isMergedInto(tip, mainC));
                out.add(m);
            }
        }
        return out;
    }
}
