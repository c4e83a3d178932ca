package dev.trustcontracts.core.tree;

import java.io.IOException;

/**
 * One entry of a tree being scanned.
 *
 * @param path      slash-separated path relative to the tree root
 * @param kind      file, symbolic link or submodule
 * @param size      size in bytes (files only)
 * @param contentId a content hash (Git blob id) when the source has one, else null; verifications are
 *                  cached by it
 * @param content   reads the bytes on demand, so that skipped entries cost nothing
 */
public record TreeEntry(String path, Kind kind, long size, String contentId, Content content) {

    public enum Kind { FILE, SYMLINK, SUBMODULE }

    /** Deferred read of an entry's bytes. */
    @FunctionalInterface
    public interface Content {
        byte[] read() throws IOException;
    }
}
