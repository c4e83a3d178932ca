package dev.trustcontracts.reposerver.mirror;

import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.tls.PemTls;
import dev.trustcontracts.reposerver.MirrorOf;
import dev.trustcontracts.reposerver.git.MirrorUpdate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.TrustManager;
import java.util.ArrayList;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * One fetch from the primary with JGit: the objects of its branches and of {@code refs/trust/*}, checked
 * object by object (JGit's strict {@code ObjectChecker}, as a push is) and for completeness, bounded in time
 * and bytes, and the ids it advertised for them. No local ref moves here ({@link MirrorUpdate} judges first),
 * and a primary without {@code refs/trust/*} (no heartbeat) is simply nothing to fetch there.
 */
final class PrimaryFetch {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PrimaryFetch.class);
    private final MirrorOf mirror;
    private final URIish uri;
    private final PrimaryConnections connections;
    private final UsernamePasswordCredentialsProvider credentials;
    private final String authorization;
    private final TrustManager trust;

    private PrimaryFetch(MirrorOf mirror, URIish uri, PrimaryConnections connections,
                         UsernamePasswordCredentialsProvider credentials, String authorization, TrustManager trust) {
        this.mirror = mirror;
        this.uri = uri;
        this.connections = connections;
        this.credentials = credentials;
        this.authorization = authorization;
        this.trust = trust;
    }

    /** Reads the credentials and CA bundle now, so that a bad file stops the mirror at start with one line. */
    static PrimaryFetch of(MirrorOf mirror, long maxBytes) throws IOException {
        URIish uri;
        try {
            uri = new URIish(mirror.primary());
        } catch (URISyntaxException e) {
            throw new IOException("--mirror-of " + mirror.primary() + ": " + e.getMessage(), e);
        }
        TrustManager trust = null;
        if (mirror.caBundle() != null) {
            try {
                trust = PemTls.trustManager(mirror.caBundle());
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("--mirror-ca " + mirror.caBundle() + ": " + e.getMessage(), e);
            }
        }
        UsernamePasswordCredentialsProvider creds = null;
        String authorization = null;
        if (mirror.credentials() != null) {
            SecretFiles.looseModeWarning(mirror.credentials())
                    .ifPresent(w -> LOG.warn("--mirror-credentials: {}", w));
            String line = firstLine(mirror.credentials());
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("--mirror-credentials " + mirror.credentials()
                        + ": expected USER:PASSWORD on the first line");
            }
            creds = new UsernamePasswordCredentialsProvider(line.substring(0, colon), line.substring(colon + 1));
            authorization = "Basic " + Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8));
        }
        return new PrimaryFetch(mirror, uri, new PrimaryConnections(trust, maxBytes), creds, authorization, trust);
    }

    private static String firstLine(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("--mirror-credentials " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IOException("--mirror-credentials " + file + ": expected USER:PASSWORD on the first line");
        }
        return lines.get(0).strip();
    }

    /** The {@code authorization} value for the primary's gRPC watch stream, or null without credentials. */
    String authorization() {
        return authorization;
    }

    /** The trust manager of {@code --mirror-ca}, or null for the JVM's. */
    TrustManager trust() {
        return trust;
    }

    /**
     * Fetches into {@code local} and answers the primary's branches and {@code refs/trust/*} (full name to id).
     * One connection: the advertisement, then (only when something is missing here) one pack for what is.
     *
     * @throws IOException with one line naming the primary when it cannot be reached or sends what is refused
     */
    Map<String, ObjectId> fetch(Repository local) throws IOException {
        connections.reset();
        Map<String, ObjectId> refs = new TreeMap<>();
        try (Transport t = Transport.open(local, uri)) {
            if (t instanceof TransportHttp http) {
                http.setHttpConnectionFactory(connections);
            } else {
                throw new IOException("--mirror-of " + mirror.primary() + " is not an HTTP URL");
            }
            t.setTimeout((int) mirror.timeout().toSeconds());
            t.setTagOpt(TagOpt.NO_TAGS);
            t.setCheckFetchedObjects(true);
            t.setObjectChecker(new ObjectChecker().setSafeForWindows(true).setSafeForMacOS(true));
            if (credentials != null) {
                t.setCredentialsProvider(credentials);
            }
            // the advertisement first, then only what is missing: a wildcard of source refs alone is not a JGit
            // refspec, and refs/trust/* may be absent (a primary without a heartbeat) without failing anything
            try (FetchConnection c = t.openFetch()) {
                List<Ref> want = new ArrayList<>();
                for (Ref r : c.getRefs()) {
                    if ((r.getName().startsWith(Constants.R_HEADS) || r.getName().startsWith(Heartbeat.NAMESPACE))
                            && r.getObjectId() != null && !r.isSymbolic()) {
                        refs.put(r.getName(), r.getObjectId().copy());
                        if (!local.getObjectDatabase().has(r.getObjectId())) {
                            want.add(r);
                        }
                    }
                }
                if (!want.isEmpty()) {
                    c.setPackLockMessage("trustctl mirror fetch");
                    c.fetch(NullProgressMonitor.INSTANCE, want, Set.of());
                    for (PackLock lock : c.getPackLocks()) {
                        lock.unlock(); // the refs are judged next; unreachable objects stay until gc's grace ends
                    }
                    complete(local, want);
                }
            }
        } catch (TransportException e) {
            throw new IOException("cannot fetch from the primary " + mirror.primary() + ": " + oneLine(e), e);
        } catch (NotSupportedException | RuntimeException e) {
            throw new IOException("cannot fetch from the primary " + mirror.primary() + ": " + oneLine(e), e);
        }
        return refs;
    }

    /** Every object the wanted tips reach is here (JGit's fetch leaves this check to its caller). */
    private void complete(Repository local, List<Ref> want) throws IOException {
        try (ObjectWalk walk = new ObjectWalk(local)) {
            for (Ref r : want) {
                walk.markStart(walk.parseAny(r.getObjectId()));
            }
            for (Ref r : local.getRefDatabase().getRefs()) {
                if (r.getObjectId() != null) {
                    walk.markUninteresting(walk.parseAny(r.getObjectId()));
                }
            }
            // JGit's own check: commits and trees are parsed, so present; blobs (which a walk never opens) are
            // looked up, so that a ref whose file the pack left out (the heartbeat's) is refused too
            walk.checkConnectivity();
        } catch (MissingObjectException e) {
            throw new IOException("the primary " + mirror.primary() + " sent an incomplete history: object "
                    + e.getObjectId().name() + " is missing", e);
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
            m = m + " (" + c.getMessage() + ")";
        }
        return m.replaceAll("\\s*\\R\\s*", "; ");
    }
}
