package dev.trustcontracts.reposerver.git;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who created each proposal branch, so that only that user (or an admin) may delete or rewrite it. Kept in
 * {@code DATA/branch-owners.json} ({@code {"branch": {"creator": "...", "created": "..."}}}), rewritten
 * atomically after every push that creates or deletes a branch. A branch with no record (created before
 * this file existed) belongs to admins only.
 */
final class BranchOwners {
    static final String FILE = "branch-owners.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record of one branch. */
    record Owner(String creator, String created) {
    }

    private final Path file;
    private final Map<String, Owner> owners;

    BranchOwners(Path dataDir) throws IOException {
        this.file = dataDir.resolve(FILE);
        Map<String, Owner> read;
        try {
            read = JSON.readValue(Files.readAllBytes(file), new TypeReference<TreeMap<String, Owner>>() { });
        } catch (NoSuchFileException e) {
            read = new TreeMap<>();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("the branch owners file " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        this.owners = read;
    }

    synchronized Optional<String> creator(String branch) {
        return Optional.ofNullable(owners.get(branch)).map(Owner::creator);
    }

    /** Records a created branch (a re-created branch gets its new creator) and forgets a deleted one. */
    synchronized void update(Map<String, String> created, Iterable<String> deleted, Instant at) throws IOException {
        boolean changed = false;
        for (var e : created.entrySet()) {
            owners.put(e.getKey(), new Owner(e.getValue(), at.toString()));
            changed = true;
        }
        for (String d : deleted) {
            changed |= owners.remove(d) != null;
        }
        if (changed) {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(owners),
                    AtomicFiles.PRIVATE);
        }
    }
}
