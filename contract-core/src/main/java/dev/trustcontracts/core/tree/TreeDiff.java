package dev.trustcontracts.core.tree;

import java.io.IOException;

/** The paths that differ from one tree to the next (for example two Git commits), for incremental rescans. */
@FunctionalInterface
public interface TreeDiff {
    void forEach(ChangeConsumer consumer) throws IOException;

    @FunctionalInterface
    interface ChangeConsumer {
        void accept(TreeChange change) throws IOException;
    }
}
