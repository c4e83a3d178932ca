package dev.trustcontracts.reposerver;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.transport.PacketLineOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary that lies about its objects: it advertises a complete main and a heartbeat whose file it leaves out
 * of the pack. The mirror must not take a ref whose objects it lacks (it would then fail every fetch that wants
 * that ref). The primary speaks smart HTTP by hand on purpose: no Git server sends an incomplete pack.
 */
class IncompletePrimaryTest {
    @TempDir
    Path tmp;

    @Test
    void aPackThatLacksTheHeartbeatsFileIsRefusedAndAFreshMirrorDoesNotStart() throws Exception {
        ObjectId main;
        ObjectId heartbeat;
        ObjectId missing;
        byte[] pack;
        try (Repository repo = new FileRepository(tmp.resolve("source.git").toFile())) {
            repo.create(true);
            try (ObjectInserter ins = repo.newObjectInserter()) {
                main = commit(ins, file(ins, "README", "a primary\n"));
                missing = ins.insert(Constants.OBJ_BLOB, "not a real heartbeat".getBytes());
                TreeFormatter t = new TreeFormatter();
                t.append(Heartbeat.FILE, FileMode.REGULAR_FILE, missing);
                heartbeat = commit(ins, ins.insert(t));
                ins.flush();
            }
            List<RevObject> sent = new ArrayList<>();
            try (ObjectWalk walk = new ObjectWalk(repo)) {
                walk.markStart(walk.parseCommit(main));
                walk.markStart(walk.parseCommit(heartbeat));
                for (RevObject o = walk.next(); o != null; o = walk.next()) {
                    sent.add(o);
                }
                for (RevObject o = walk.nextObject(); o != null; o = walk.nextObject()) {
                    if (!o.equals(missing)) {
                        sent.add(o);
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PackWriter pw = new PackWriter(repo)) {
                pw.preparePack(sent.iterator());
                pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, out);
            }
            pack = out.toByteArray();
        }

        HttpServer primary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ObjectId m = main;
        ObjectId h = heartbeat;
        primary.createContext("/git/contracts.git/info/refs", x -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            PacketLineOut p = new PacketLineOut(b);
            p.writeString("# service=git-upload-pack\n");
            p.end();
            p.writeString(m.name() + " refs/heads/main\0multi_ack_detailed\n");
            p.writeString(h.name() + " " + Heartbeat.REF + "\n");
            p.end();
            answer(x, "application/x-git-upload-pack-advertisement", b.toByteArray());
        });
        primary.createContext("/git/contracts.git/git-upload-pack", x -> {
            x.getRequestBody().readAllBytes();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            new PacketLineOut(b).writeString("NAK\n");
            b.write(pack);
            answer(x, "application/x-git-upload-pack-result", b.toByteArray());
        });
        primary.start();
        try {
            String url = "http://127.0.0.1:" + primary.getAddress().getPort() + "/git/contracts.git";
            RepoServerConfig config = RepoServerConfig.ephemeral(tmp.resolve("mirror")).toBuilder()
                    .mirrorOf(MirrorOf.of(url).withPollEvery(Duration.ofHours(1))).build();
            assertThatThrownBy(() -> RepoServer.start(config).close()).isInstanceOf(IOException.class)
                    .hasMessageContaining("the primary " + url + " sent an incomplete history: object "
                            + missing.name() + " is missing");
        } finally {
            primary.stop(0);
        }
    }

    private static ObjectId file(ObjectInserter ins, String name, String text) throws IOException {
        TreeFormatter t = new TreeFormatter();
        t.append(name, FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, text.getBytes()));
        return ins.insert(t);
    }

    private static ObjectId commit(ObjectInserter ins, ObjectId tree) throws IOException {
        PersonIdent who = new PersonIdent("t", "t@example.test");
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage("c\n");
        return ins.insert(cb);
    }

    private static void answer(HttpExchange x, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }
}
