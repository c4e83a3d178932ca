package dev.trustcontracts.reposerver.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A push that no Git client would send: the exact objects given, packed as they are (C git and JGit both
 * refuse to pack a tree whose entry's mode contradicts its object's type), sent over smart HTTP by hand.
 */
final class RawPush {
    private RawPush() {
    }

    /** Pushes {@code objects} (read from {@code local}) and moves {@code ref} from {@code old} to {@code tip}. */
    static String push(String gitUrl, String user, String password, Repository local, List<ObjectId> objects,
                       ObjectId old, ObjectId tip, String ref) throws IOException, InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String cmd = old.name() + " " + tip.name() + " " + ref + "\0report-status side-band-64k agent=raw-push\n";
        body.writeBytes(pktLine(cmd));
        body.writeBytes("0000".getBytes(StandardCharsets.US_ASCII));
        try (RevWalk rw = new RevWalk(local); PackWriter pw = new PackWriter(local)) {
            List<RevObject> list = new java.util.ArrayList<>();
            for (ObjectId id : objects) {
                list.add(rw.parseAny(id));
            }
            pw.preparePack(list.iterator());
            pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, body);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(gitUrl + "/git-receive-pack"))
                .header("Content-Type", "application/x-git-receive-pack-request")
                .header("Accept", "application/x-git-receive-pack-result")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() + "\n" + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static byte[] pktLine(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return (String.format("%04x", b.length + 4) + s).getBytes(StandardCharsets.UTF_8);
    }
}
