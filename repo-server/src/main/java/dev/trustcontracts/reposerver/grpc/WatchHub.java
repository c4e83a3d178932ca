package dev.trustcontracts.reposerver.grpc;

import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.reposerver.index.CertificateQuery;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code WatchCertificates} streams. Each gets the current answer at once and a new one after
 * every new index snapshot (sent from the publishing thread, within milliseconds of main moving). A slow
 * client never queues more than one pending answer: it gets the latest when it is ready again.
 */
final class WatchHub {
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

    public int size() {
        return watchers.size();
    }

    public void watch(CertificateQuery query, ServerCallStreamObserver<GetCertificatesResponse> observer,
                      java.util.function.Supplier<IndexSnapshot> current) {
        Watcher w = new Watcher(query, observer);
        observer.setOnCancelHandler(() -> watchers.remove(w));
        observer.setOnReadyHandler(w::flush);
        watchers.add(w);
        w.offer(current.get()); // read after registering: a publish in between is not lost
    }

    /** Called with every new snapshot. */
    public void publish(IndexSnapshot snapshot) {
        for (Watcher w : watchers) {
            w.offer(snapshot);
        }
    }

    /** Ends every stream, as the server shuts down. */
    public void closeAll() {
        for (Watcher w : watchers) {
            w.end();
        }
        watchers.clear();
    }

    private final class Watcher {
        private final CertificateQuery query;
        private final ServerCallStreamObserver<GetCertificatesResponse> observer;
        private IndexSnapshot pending;
        private long offered;
        private boolean done;

        Watcher(CertificateQuery query, ServerCallStreamObserver<GetCertificatesResponse> observer) {
            this.query = query;
            this.observer = observer;
        }

        synchronized void offer(IndexSnapshot snapshot) {
            if (snapshot.sequence() <= offered) {
                return; // an older snapshot arriving after a newer one
            }
            offered = snapshot.sequence();
            pending = snapshot;
            flush();
        }

        synchronized void flush() {
            if (done || pending == null || !observer.isReady()) {
                return;
            }
            IndexSnapshot s = pending;
            pending = null;
            try {
                observer.onNext(query.answer(s));
            } catch (CertificateQuery.BadQuery e) {
                done = true;
                watchers.remove(this);
                observer.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            } catch (RuntimeException e) {
                done = true; // cancelled meanwhile
                watchers.remove(this);
            }
        }

        synchronized void end() {
            if (!done) {
                done = true;
                try {
                    observer.onError(Status.UNAVAILABLE.withDescription("the server is shutting down")
                            .asRuntimeException());
                } catch (RuntimeException ignored) {
                    // already cancelled
                }
            }
        }
    }
}
