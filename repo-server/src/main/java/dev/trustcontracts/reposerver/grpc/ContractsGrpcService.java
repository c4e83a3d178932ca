package dev.trustcontracts.reposerver.grpc;

import dev.trustcontracts.proto.v1.ContractsServiceGrpc;
import dev.trustcontracts.proto.v1.GetCertificatesRequest;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.GetContractRequest;
import dev.trustcontracts.proto.v1.GetContractResponse;
import dev.trustcontracts.proto.v1.ListContractsRequest;
import dev.trustcontracts.proto.v1.ListContractsResponse;
import dev.trustcontracts.reposerver.index.CertificateQuery;
import dev.trustcontracts.reposerver.index.ContractIndex;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code ContractsService}: answers from the current index snapshot; every answer names its commit. */
final class ContractsGrpcService extends ContractsServiceGrpc.ContractsServiceImplBase {
    private final ContractIndex index;
    private final WatchHub watchers;

    ContractsGrpcService(ContractIndex index, WatchHub watchers) {
        this.index = index;
        this.watchers = watchers;
    }

    @Override
    public void listContracts(ListContractsRequest request, StreamObserver<ListContractsResponse> out) {
        out.onNext(index.current().list());
        out.onCompleted();
    }

    @Override
    public void getContract(GetContractRequest request, StreamObserver<GetContractResponse> out) {
        if (request.getName().isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("name is required").asRuntimeException());
            return;
        }
        IndexSnapshot s = index.current();
        s.contract(request.getName()).ifPresentOrElse(c -> {
            out.onNext(GetContractResponse.newBuilder().setCommit(s.commit())
                    .setContract(IndexSnapshot.entry(c)).build());
            out.onCompleted();
        }, () -> out.onError(Status.NOT_FOUND.withDescription("no valid contract '" + request.getName()
                + "' on main at " + s.commit()).asRuntimeException()));
    }

    @Override
    public void getCertificates(GetCertificatesRequest request, StreamObserver<GetCertificatesResponse> out) {
        try {
            out.onNext(CertificateQuery.of(request).answer(index.current()));
            out.onCompleted();
        } catch (CertificateQuery.BadQuery e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void watchCertificates(GetCertificatesRequest request, StreamObserver<GetCertificatesResponse> out) {
        CertificateQuery q;
        IndexSnapshot s = index.current();
        try {
            q = CertificateQuery.of(request);
            q.answer(s); // refuse a bad or ambiguous query up front
        } catch (CertificateQuery.BadQuery e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        watchers.watch(q, (ServerCallStreamObserver<GetCertificatesResponse>) out, index::current);
    }
}
