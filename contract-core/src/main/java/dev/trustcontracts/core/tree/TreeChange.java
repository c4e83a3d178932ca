package dev.trustcontracts.core.tree;

/**
 * One path that differs between two trees.
 *
 * @param path  slash-separated path
 * @param entry the path's entry in the new tree, or null when the new tree no longer has it
 */
public record TreeChange(String path, TreeEntry entry) {
    public boolean deleted() {
        return entry == null;
    }
}
