package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.GetCARequest;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.PkiServiceGrpc;
import dev.trustcontracts.proto.v1.SignCSRRequest;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code PkiService} over a zone CA: GetCA hands out the root, SignCSR signs under the policy. */
public final class PkiGrpcService extends PkiServiceGrpc.PkiServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(PkiGrpcService.class);

    private final ZoneCa ca;
    private final CsrSigner signer;
    private final GetCAResponse caResponse;
    private final PkiAudit audit;

    public PkiGrpcService(ZoneCa ca, CsrSigner signer) {
        this(ca, signer, new PkiAudit(ca.zone()));
    }

    public PkiGrpcService(ZoneCa ca, CsrSigner signer, PkiAudit audit) {
        this.ca = ca;
        this.signer = signer;
        this.audit = audit;
        this.caResponse = GetCAResponse.newBuilder()
                .setCertificate(Pem.encode(ca.certificate()))
                .setHash(ca.fingerprint())
                .setZone(ca.zone())
                .build();
    }

    @Override
    public void getCA(GetCARequest request, StreamObserver<GetCAResponse> response) {
        response.onNext(caResponse);
        response.onCompleted();
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
            LOG.error("zone {}: cannot sign a CSR", ca.zone(), e);
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
