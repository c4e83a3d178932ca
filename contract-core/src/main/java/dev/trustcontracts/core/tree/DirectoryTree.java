package dev.trustcontracts.core.tree;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A checked-out repository (or any directory) as a tree; links are reported, never followed. */
public final class DirectoryTree implements TreeSource {
    private final Path root;

    public DirectoryTree(Path root) {
        this.root = root;
    }

    @Override
    public void forEach(EntryConsumer consumer) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && dir.getFileName().toString().equals(".git")) {
                    return FileVisitResult.SKIP_SUBTREE; // the checkout's own Git data, not content
                }
                if (!dir.equals(root) && Files.exists(dir.resolve(".git"))) {
                    consumer.accept(new TreeEntry(rel(dir), TreeEntry.Kind.SUBMODULE, 0, null, () -> new byte[0]));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    consumer.accept(new TreeEntry(rel(file), TreeEntry.Kind.SYMLINK, 0, null, () -> new byte[0]));
                } else if (attrs.isRegularFile()) {
                    consumer.accept(new TreeEntry(rel(file), TreeEntry.Kind.FILE, attrs.size(), null,
                            () -> Files.readAllBytes(file)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String rel(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
