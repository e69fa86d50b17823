package dev.agentgrid.bridge.rest;

import dev.agentgrid.bridge.plane.PlaneChannel;
import dev.agentgrid.proto.v1.ArchiveInfo;
import dev.agentgrid.proto.v1.ArtifactServiceGrpc;
import dev.agentgrid.proto.v1.DownloadArchiveRequest;
import dev.agentgrid.proto.v1.DownloadArchiveResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Streams a project's ZIP from {@code ArtifactService.DownloadArchive} to the HTTP client with
 * end-to-end flow control: the first message (the archive's description) becomes the response
 * headers, and each chunk is requested from the plane only when the HTTP client's side asks for
 * more, so a slow download holds one 64 KiB chunk, not the archive.
 */
@Singleton
public class ArchiveDownload {
    /** Longest a download may take. */
    static final long MAX_DOWNLOAD_MINUTES = 60;

    private final PlaneChannel plane;

    public ArchiveDownload(PlaneChannel plane) {
        this.plane = plane;
    }

    /** The response, once the plane has described the archive; fails with the plane's status before that. */
    public CompletableFuture<MutableHttpResponse<Publisher<byte[]>>> download(String projectId) {
        CompletableFuture<MutableHttpResponse<Publisher<byte[]>>> response = new CompletableFuture<>();
        Body body = new Body();
        ArtifactServiceGrpc.newStub(plane.channel()).withDeadlineAfter(MAX_DOWNLOAD_MINUTES, TimeUnit.MINUTES)
                .downloadArchive(DownloadArchiveRequest.newBuilder().setProjectId(projectId).build(),
                        new ClientResponseObserver<DownloadArchiveRequest, DownloadArchiveResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<DownloadArchiveRequest> call) {
                                call.disableAutoRequestWithInitial(1);
                                body.call = call;
                            }

                            @Override
                            public void onNext(DownloadArchiveResponse value) {
                                if (value.hasInfo() && !response.isDone()) {
                                    response.complete(headers(value.getInfo(), body));
                                } else if (value.hasChunk()) {
                                    body.next(value.getChunk().toByteArray());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                if (!response.completeExceptionally(t)) {
                                    body.fail(t);
                                }
                            }

                            @Override
                            public void onCompleted() {
                                if (!response.completeExceptionally(Status.INTERNAL
                                        .withDescription("archive stream ended before its description").asRuntimeException())) {
                                    body.complete();
                                }
                            }
                        });
        return response;
    }

    private static MutableHttpResponse<Publisher<byte[]>> headers(ArchiveInfo info, Body body) {
        String name = info.getFileName().replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty()) {
            name = "project-" + info.getProjectId() + ".zip";
        }
        return HttpResponse.<Publisher<byte[]>>ok(body)
                .contentType("application/zip")
                // Streamed chunked; the size is in a header of its own for progress bars.
                .header("X-Archive-Size", Long.toString(info.getSizeBytes()))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .header("X-Archive-SHA256", info.getSha256());
    }

    /** The ZIP's bytes as a Publisher whose demand is passed on to the gRPC call. One subscriber. */
    private static final class Body implements Publisher<byte[]> {
        volatile ClientCallStreamObserver<DownloadArchiveRequest> call;
        private volatile Subscriber<? super byte[]> subscriber;

        @Override
        public void subscribe(Subscriber<? super byte[]> s) {
            synchronized (this) {
                if (subscriber != null) {
                    s.onSubscribe(new Subscription() {
                        @Override
                        public void request(long n) {
                        }

                        @Override
                        public void cancel() {
                        }
                    });
                    s.onError(new IllegalStateException("the archive can be read once"));
                    return;
                }
                subscriber = s;
            }
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    if (n > 0) {
                        call.request((int) Math.min(n, Integer.MAX_VALUE));
                    }
                }

                @Override
                public void cancel() {
                    call.cancel("download cancelled by the HTTP client", null);
                }
            });
        }

        void next(byte[] chunk) {
            Subscriber<? super byte[]> s = subscriber;
            if (s != null) {
                s.onNext(chunk);
            }
        }

        void complete() {
            Subscriber<? super byte[]> s = subscriber;
            if (s != null) {
                s.onComplete();
            }
        }

        void fail(Throwable t) {
            Subscriber<? super byte[]> s = subscriber;
            if (s != null) {
                s.onError(t);
            }
        }
    }
}
