package dev.agentgrid.controlplane.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.agentgrid.controlplane.testing.ControlPlaneTestBase;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What grpcurl does, done with the reflection protocol directly: {@code list} and
 * {@code describe} through v1 and v1alpha, and the standard health check.
 */
class ReflectionAndHealthTest extends ControlPlaneTestBase {
    private static final Set<String> OURS = Set.of("agentgrid.v1.ProjectService", "agentgrid.v1.TaskService",
            "agentgrid.v1.HitlService", "agentgrid.v1.AgentStatusService", "agentgrid.v1.ArtifactService",
            "agentgrid.v1.EventService", "agentgrid.v1.WorkerAdminService", "agentgrid.v1.WorkerService",
            "agentgrid.v1.WorkflowService");

    private ServerReflectionResponse askV1(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(client.channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS);
    }

    @SuppressWarnings("deprecation")
    private io.grpc.reflection.v1alpha.ServerReflectionResponse askV1alpha(
            io.grpc.reflection.v1alpha.ServerReflectionRequest request) throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        var requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(client.channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void listShowsEveryServiceThroughReflectionV1() throws Exception {
        ServerReflectionResponse r = askV1(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = new ArrayList<>();
        r.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
        assertTrue(names.containsAll(OURS), names.toString());
        assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
        assertTrue(names.contains("grpc.reflection.v1.ServerReflection"), names.toString());
        assertTrue(names.contains("grpc.reflection.v1alpha.ServerReflection"), names.toString());
    }

    @Test
    void describeReturnsTheCommentedContractThroughV1() throws Exception {
        ServerReflectionResponse r = askV1(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("agentgrid.v1.TaskService").build());
        FileDescriptorProto file = FileDescriptorProto.parseFrom(
                r.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertEquals("agentgrid.v1", file.getPackage());
        assertTrue(file.getServiceList().stream().anyMatch(s -> s.getName().equals("TaskService")
                && s.getMethodList().stream().anyMatch(m -> m.getName().equals("CreateTask"))));
    }

    @Test
    @SuppressWarnings("deprecation")
    void olderClientsGetTheSameThroughV1alpha() throws Exception {
        var r = askV1alpha(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("")
                .build());
        List<String> names = new ArrayList<>();
        r.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
        assertTrue(names.containsAll(OURS), names.toString());
        var describe = askV1alpha(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("agentgrid.v1.HitlService.RespondHitlRequest").build());
        assertTrue(describe.getFileDescriptorResponse().getFileDescriptorProtoCount() > 0);
    }

    @Test
    void healthCheckSaysServing() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(client.channel)
                .check(HealthCheckRequest.newBuilder().build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }
}
