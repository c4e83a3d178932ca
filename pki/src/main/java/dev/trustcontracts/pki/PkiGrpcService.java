package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.CaRoot;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.RotationStep;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code PkiService} over a zone CA: GetCA hands out the roots, SignCSR signs under the policy from the issuing root. */
public final class PkiGrpcService extends PkiServiceGrpc.PkiServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(PkiGrpcService.class);

    private final Supplier<ZoneRoots> roots;
    private final CsrSigner signer;
    private final PkiAudit audit;
    /** The answer for the roots it was built from: rebuilt only when a rotation step changes them. */
    private volatile Answer answer;

    private record Answer(ZoneRoots roots, GetCAResponse response) {
    }

    public PkiGrpcService(ZoneCa ca, CsrSigner signer) {
        this(ca, signer, new PkiAudit(ca.zone()));
    }

    public PkiGrpcService(ZoneCa ca, CsrSigner signer, PkiAudit audit) {
        this(ZoneRootsWatch.fixed(ca), signer, audit);
    }

    /** @param roots the zone's roots, asked on every call (they change during a rotation) */
    public PkiGrpcService(Supplier<ZoneRoots> roots, CsrSigner signer, PkiAudit audit) {
        this.roots = roots;
        this.signer = signer;
        this.audit = audit;
    }

    @Override
    public void getCA(GetCARequest request, StreamObserver<GetCAResponse> response) {
        ZoneRoots now = roots.get();
        Answer a = answer;
        if (a == null || !a.roots().equals(now)) {
            a = new Answer(now, caResponse(now));
            answer = a;
        }
        response.onNext(a.response());
        response.onCompleted();
    }

    /**
     * {@code certificate}/{@code hash} stay the established root (what clients that predate rotation read
     * and pin); {@code roots} lists every published root with the one that issues marked.
     */
    static GetCAResponse caResponse(ZoneRoots roots) {
        GetCAResponse.Builder b = GetCAResponse.newBuilder()
                .setCertificate(Pem.encode(roots.current().certificate()))
                .setHash(roots.current().fingerprint())
                .setZone(roots.zone())
                .setRotation(switch (roots.step()) {
                    case STARTED -> RotationStep.ROTATION_STARTED;
                    case SWITCHED -> RotationStep.ROTATION_SWITCHED;
                    default -> RotationStep.ROTATION_NONE;
                });
        ZoneCa issuing = roots.issuing();
        for (ZoneCa r : roots.published()) {
            b.addRoots(CaRoot.newBuilder()
                    .setCertificate(Pem.encode(r.certificate()))
                    .setHash(r.fingerprint())
                    .setIssuing(r == issuing)
                    .setNext(r == roots.next()));
        }
        return b.build();
    }

    @Override
    public void signCSR(SignCSRRequest request, StreamObserver<SignCSRResponse> response) {
        Caller caller = Caller.current();
        if (request.getLifetimeSeconds() < 0) {
            audit.refused("SignCSR", Status.Code.INVALID_ARGUMENT.name(), "lifetime_seconds is negative", caller);
            response.onError(Status.INVALID_ARGUMENT.withDescription("lifetime_seconds is negative").asRuntimeException());
            return;
        }
        try {
            IssuedCertificate issued = signer.sign(request.getCsr(), Duration.ofSeconds(request.getLifetimeSeconds()));
            audit.issued(issued.certificate(), caller);
            response.onNext(SignCSRResponse.newBuilder()
                    .setCertificate(Pem.encode(issued.certificate()))
                    .setChain(Pem.encode(issued.chain()))
                    .build());
            response.onCompleted();
        } catch (IssuanceException e) {
            audit.refused("SignCSR", status(e.reason()).getCode().name(), e.getMessage(), caller);
            response.onError(status(e.reason()).withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            LOG.error("zone {}: cannot sign a CSR", roots.get().zone(), e);
            audit.refused("SignCSR", Status.Code.INTERNAL.name(), "the CA failed to sign: " + e, caller);
            response.onError(Status.INTERNAL.withDescription("the CA failed to sign; its log says why")
                    .asRuntimeException());
        }
    }

    static Status status(IssuanceException.Reason reason) {
        return switch (reason) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case UNAVAILABLE -> Status.FAILED_PRECONDITION;
        };
    }
}
