package dev.trustcontracts.agent.kubernetes;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.KubernetesOptions.ObjectName;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.ClusterOutput.Material;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;

/**
 * One object the agent keeps current, and never one it does not own: it creates it with the label
 * {@value #MANAGED_BY}={@value #OWNER}, and refuses to touch an existing object without that label or of another
 * type. A write is one object update with the resourceVersion it read (optimistic concurrency): a conflict means
 * someone wrote in between, so it reads again and compares, a bounded number of times.
 *
 * @param <T> Secret or ConfigMap
 */
abstract class OwnedObject<T extends HasMetadata> {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OWNER = "trustctl";
    /** Reads and writes of one object in one cycle before the conflict is reported (the next cycle tries again). */
    static final int MAX_ATTEMPTS = 3;

    private final ObjectName name;
    private final String kind;
    private final String apiServer;

    OwnedObject(ObjectName name, String kind, String apiServer) {
        this.name = name;
        this.kind = kind;
        this.apiServer = apiServer;
    }

    /** The object by its name (get), or the given item (create, update: the item's resourceVersion is the lock). */
    abstract Resource<T> resource(T item);

    /** The object as the agent would create it (metadata with the label, the type, the content). */
    abstract T created(Material m);

    /** The existing object with its content replaced, metadata (resourceVersion included) kept. */
    abstract T updated(T existing, Material m);

    /** Whether the existing object already holds the material. */
    abstract boolean current(T existing, Material m);

    /** Why an existing labelled object cannot be used (another type), or null. */
    abstract String foreign(T existing);

    /** What operators see: {@code Secret trust/alice-tls}. */
    String describe() {
        return kind + " " + name;
    }

    ObjectName name() {
        return name;
    }

    /**
     * Makes the object hold the material, writing only when it differs.
     *
     * @return whether it was created or updated
     */
    boolean keep(Material m) throws SyncException {
        for (int attempt = 1; ; attempt++) {
            T existing = read();
            try {
                if (existing == null) {
                    resource(created(m)).create();
                    return true;
                }
                refuseIfNotOurs(existing);
                if (current(existing, m)) {
                    return false;
                }
                resource(updated(existing, m)).update();
                return true;
            } catch (KubernetesClientException e) {
                // 409: created or changed by someone between our read and our write; read again and compare
                if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
                    throw failure(existing == null ? "create" : "update", e);
                }
            }
        }
    }

    private void refuseIfNotOurs(T existing) throws SyncException {
        Map<String, String> labels = existing.getMetadata().getLabels();
        if (labels == null || !OWNER.equals(labels.get(MANAGED_BY))) {
            throw new SyncException(FailureKind.KUBERNETES, describe() + " exists without the label " + MANAGED_BY
                    + "=" + OWNER + ": the agent does not take it over and left it untouched (label it to hand it to "
                    + "the agent, or name another object)");
        }
        String why = foreign(existing);
        if (why != null) {
            throw new SyncException(FailureKind.KUBERNETES, describe() + " " + why
                    + ": the agent does not take it over and left it untouched");
        }
    }

    /** The object as the API server has it, or null when there is none. */
    private T read() throws SyncException {
        try {
            return resource(null).get();
        } catch (KubernetesClientException e) {
            throw failure("read", e);
        }
    }

    /** One line: what failed, why (the API server's status, never a request body), and what stays. */
    private SyncException failure(String verb, KubernetesClientException e) {
        String left = existsAfter(verb) ? "; it keeps its last content, retried next cycle" : "; retried next cycle";
        int code = e.getCode();
        String message;
        if (code <= 0) { // no HTTP answer at all (fabric8 says 0 or -1)
            message = "cannot reach the API server " + apiServer + " to " + verb + " " + describe() + ": "
                    + ApiFailures.cause(e) + left;
        } else if (code == 403 && verb.equals("create")) {
            message = "the API server refused to create " + describe() + " (403 Forbidden: " + ApiFailures.status(e)
                    + "); create it from docs/kubernetes (the labelled empty object) or grant create; retried next cycle";
        } else if (code == 409) {
            message = describe() + " changed under the agent " + MAX_ATTEMPTS + " times in a row (409 Conflict)" + left;
        } else {
            message = "the API server refused to " + verb + " " + describe() + " (" + code + " "
                    + ApiFailures.reason(code) + ": " + ApiFailures.status(e) + ")" + left;
        }
        return new SyncException(FailureKind.KUBERNETES, message, e);
    }

    private static boolean existsAfter(String verb) {
        return !verb.equals("create");
    }
}
