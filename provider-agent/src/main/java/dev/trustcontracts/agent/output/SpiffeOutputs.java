package dev.trustcontracts.agent.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.net.TrustDomain;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans the SPIFFE files of one cycle: {@code spiffe/<trust-domain>.json} for every trust domain of the bundle and
 * the bundle map {@code spiffe/bundles.json}, each domain's {@code spiffe_sequence} raised exactly when its content
 * changed (remembered in the state file, so it never goes back, also across restarts and when a domain leaves and
 * comes back), and the files of domains no longer in the bundle (a revoked or expired peer) to remove.
 */
public final class SpiffeOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param outputs   the files to keep current, the bundle map last
     * @param removals  the files to delete (paths relative to the output directory)
     * @param sequences the state's SPIFFE memory after this cycle
     */
    public record Planned(List<OutputWriter.Output> outputs, List<String> removals,
            Map<String, AgentState.SpiffeSequence> sequences) {
    }

    /** The bundles of the last cycles by roots and hint: their keys and bytes are built once, not every cycle. */
    private record BundleKey(List<X509Certificate> roots, long refreshHint) {
    }

    private final OutputLayout layout;
    private final Map<BundleKey, SpiffeBundle> bundles = new HashMap<>();
    /** The last bundle map's inputs (domain, sequence, digest) and bytes. */
    private List<String> lastMapKey = List.of();
    private byte[] lastMap;

    public SpiffeOutputs(OutputLayout layout) {
        this.layout = layout;
    }

    /**
     * @param domains            trust domain → roots, as mapped for this cycle
     * @param refreshHintSeconds the spiffe_refresh_hint of every bundle
     * @param previous           the state's SPIFFE memory
     */
    public Planned plan(Map<String, List<X509Certificate>> domains, long refreshHintSeconds,
            Map<String, AgentState.SpiffeSequence> previous) throws SyncException {
        TreeMap<String, AgentState.SpiffeSequence> next = new TreeMap<>(previous);
        List<OutputWriter.Output> outputs = new ArrayList<>();
        Map<String, Map<String, Object>> map = new LinkedHashMap<>();
        Set<String> planned = new TreeSet<>();
        List<String> mapKey = new ArrayList<>();
        if (bundles.size() > 2 * domains.size() + 16) {
            bundles.clear();
        }
        for (Map.Entry<String, List<X509Certificate>> d : new TreeMap<>(domains).entrySet()) {
            String td = d.getKey();
            String name = OutputLayout.spiffeDomain(td);
            SpiffeBundle bundle = bundles.computeIfAbsent(new BundleKey(List.copyOf(d.getValue()), refreshHintSeconds),
                    k -> new SpiffeBundle(k.roots(), k.refreshHint()));
            String digest = bundle.contentDigest();
            AgentState.SpiffeSequence prev = previous.get(td);
            long sequence;
            if (prev != null && digest.equals(prev.digest())
                    && onDisk(name, bundle.json(prev.sequence()))) {
                // the usual cycle: nothing changed, and the file says so
                sequence = prev.sequence();
            } else {
                // the file on disk counts too: a lost state file, or one restored from an older backup, must not
                // take the sequence below what a consumer may have read
                long onDisk = sequenceOnDisk(name);
                if (prev != null && digest.equals(prev.digest()) && prev.sequence() >= onDisk) {
                    sequence = prev.sequence();
                } else {
                    sequence = Math.max(prev == null ? 0 : prev.sequence(), onDisk) + 1;
                }
            }
            next.put(td, new AgentState.SpiffeSequence(sequence, digest));
            planned.add(name);
            outputs.add(new OutputWriter.Output(name, bundle.json(sequence), AtomicFiles.PUBLIC));
            map.put(td, bundle.jsonObject(sequence));
            mapKey.add(td + " " + sequence + " " + digest);
        }
        // domains that left keep their sequence, with no digest: if one comes back, it continues above it
        previous.forEach((td, q) -> {
            if (!domains.containsKey(td) && q.digest() != null) {
                next.put(td, new AgentState.SpiffeSequence(q.sequence(), null));
            }
        });
        if (lastMap == null || !mapKey.equals(lastMapKey)) {
            lastMap = SpiffeBundle.bundleMap(map);
            lastMapKey = mapKey;
        }
        outputs.add(new OutputWriter.Output(OutputLayout.SPIFFE_BUNDLE_MAP, lastMap.clone(), AtomicFiles.PUBLIC));
        planned.add(OutputLayout.SPIFFE_BUNDLE_MAP);
        return new Planned(outputs, stale(planned), next);
    }

    /**
     * The SPIFFE files in the output directory that are not in {@code keep}: only names the agent writes (a trust
     * domain's or the bundle map's), so nothing else an operator put there is touched.
     */
    public List<String> stale(Set<String> keep) throws SyncException {
        Path dir = layout.spiffeDir();
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                String file = p.getFileName().toString();
                String stem = file.substring(0, file.length() - ".json".length());
                String name = OutputLayout.SPIFFE_DIR + "/" + file;
                if ((TrustDomain.isValid(stem) || stem.equals(SpiffeTrustDomains.RESERVED))
                        && !keep.contains(name)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** Whether the file on disk holds exactly these bytes. */
    private boolean onDisk(String name, byte[] content) {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(layout.dir().resolve(name)), content);
        } catch (IOException e) {
            return false;
        }
    }

    /** The spiffe_sequence in the bundle file on disk, or 0 when there is none (or it is unreadable). */
    private long sequenceOnDisk(String name) {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(layout.dir().resolve(name))).get("spiffe_sequence");
            return n != null && n.canConvertToLong() && n.asLong() > 0 ? n.asLong() : 0;
        } catch (IOException | RuntimeException e) {
            // missing, or not ours to trust: the state's number stands
            return 0;
        }
    }
}
