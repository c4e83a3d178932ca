package dev.trustcontracts.core.tree;

import java.io.IOException;

/** Something that lists a tree's entries: a directory on disk or a Git tree. */
@FunctionalInterface
public interface TreeSource {
    void forEach(EntryConsumer consumer) throws IOException;

    @FunctionalInterface
    interface EntryConsumer {
        void accept(TreeEntry entry) throws IOException;
    }
}
