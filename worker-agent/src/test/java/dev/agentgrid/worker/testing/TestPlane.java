package dev.agentgrid.worker.testing;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.WorkerServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A small scripted control plane for tests: records every Connect stream (the headers it came with
 * and what the worker sent), and lets the test answer on it. It knows nothing about the worker's
 * classes; it speaks only the contract.
 */
public final class TestPlane extends WorkerServiceGrpc.WorkerServiceImplBase {

  private static final Context.Key<String> AUTHORIZATION = Context.key("authorization");
  private static final Metadata.Key<String> AUTHORIZATION_HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private volatile boolean manualFlowControl;

  /**
   * Makes streams opened from now on read only the Hello until the test calls
   * {@link Stream#request}: a plane that falls behind, for flow-control tests.
   */
  public TestPlane manualFlowControl() {
    manualFlowControl = true;
    return this;
  }

  /** The service with an interceptor that records the authorization header. */
  public ServerServiceDefinition definition() {
    ServerInterceptor captureAuth = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        String auth = headers.get(AUTHORIZATION_HEADER);
        return Contexts.interceptCall(
            Context.current().withValue(AUTHORIZATION, auth == null ? "" : auth), call, headers,
            next);
      }
    };
    return ServerInterceptors.intercept(bindService(), captureAuth);
  }

  @Override
  public StreamObserver<ConnectRequest> connect(StreamObserver<ConnectResponse> responses) {
    Stream stream = new Stream(responses, AUTHORIZATION.get());
    if (manualFlowControl) {
      ServerCallStreamObserver<ConnectResponse> call =
          (ServerCallStreamObserver<ConnectResponse>) responses;
      call.disableAutoRequest();
      call.request(1);
    }
    streams.add(stream);
    return stream;
  }

  /** Streams opened so far, oldest first. */
  public List<Stream> streams() {
    return List.copyOf(streams);
  }

  /** Waits for the {@code n}-th stream (1-based). */
  public Stream awaitStream(int n) {
    Await.until("Connect stream #" + n, () -> streams.size() >= n);
    return streams.get(n - 1);
  }

  /** One worker's Connect stream as the plane sees it. */
  public static final class Stream implements StreamObserver<ConnectRequest> {
    private final StreamObserver<ConnectResponse> responses;
    private final String authorization;
    private final List<ConnectRequest> received = new ArrayList<>();
    private volatile boolean completedByWorker;
    private volatile Throwable error;

    Stream(StreamObserver<ConnectResponse> responses, String authorization) {
      this.responses = responses;
      this.authorization = authorization;
    }

    /** The authorization header the stream was opened with ("" if none). */
    public String authorization() {
      return authorization;
    }

    @Override
    public synchronized void onNext(ConnectRequest message) {
      received.add(message);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completedByWorker = true;
      synchronized (this) {
        responses.onCompleted();
      }
    }

    /** Everything received, in order. */
    public synchronized List<ConnectRequest> received() {
      return new ArrayList<>(received);
    }

    /** Messages received that match. */
    public List<ConnectRequest> received(Predicate<ConnectRequest> filter) {
      return received().stream().filter(filter).toList();
    }

    /** Waits until {@code count} matching messages arrived; returns them. */
    public List<ConnectRequest> await(String what, int count, Predicate<ConnectRequest> filter) {
      Await.until(count + " x " + what, () -> received(filter).size() >= count);
      return received(filter);
    }

    /** Waits for the first matching message. */
    public ConnectRequest awaitFirst(String what, Predicate<ConnectRequest> filter) {
      return await(what, 1, filter).get(0);
    }

    /** Reads {@code count} more messages from the worker (with manual flow control). */
    public void request(int count) {
      ((ServerCallStreamObserver<ConnectResponse>) responses).request(count);
    }

    /** Sends a message to the worker. */
    public synchronized void send(ConnectResponse message) {
      responses.onNext(message);
    }

    /** Ends the stream with an error status. */
    public synchronized void fail(Status status) {
      responses.onError(status.asRuntimeException());
    }

    /** Whether the worker half-closed the stream cleanly. */
    public boolean completedByWorker() {
      return completedByWorker;
    }

    /** The error the stream ended with, if any. */
    public Throwable error() {
      return error;
    }
  }
}
