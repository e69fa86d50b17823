package dev.agentgrid.worker.connect;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code WorkerService.Connect} stream. Inbound messages are handed to the dispatch thread one at
 * a time and the next is requested only when the previous one was handled, so a slow worker pushes
 * back on the plane instead of buffering. Outbound messages are pumped from the
 * {@link OutboundQueue} on the send thread only while the stream {@code isReady()}, so a slow plane
 * pushes back on the worker; the pump resumes from {@code onReady}.
 */
final class Session implements ClientResponseObserver<ConnectRequest, ConnectResponse> {

  /** What the session reports to its connection. */
  interface Owner {
    void onMessage(Session session, ConnectResponse message);

    void onEnd(Session session, Status status);

    void onSent(ConnectRequest message);
  }

  private final int number;
  private final OutboundQueue queue;
  private final Executor sendExecutor;
  private final Executor dispatchExecutor;
  private final Owner owner;
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private final CountDownLatch endedLatch = new CountDownLatch(1);
  private volatile ClientCallStreamObserver<ConnectRequest> requests;
  private volatile boolean welcomed;
  private volatile boolean ended;
  private volatile boolean halfClosed;

  Session(int number, OutboundQueue queue, Executor sendExecutor, Executor dispatchExecutor,
      Owner owner) {
    this.number = number;
    this.queue = queue;
    this.sendExecutor = sendExecutor;
    this.dispatchExecutor = dispatchExecutor;
    this.owner = owner;
  }

  int number() {
    return number;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ConnectRequest> requestStream) {
    this.requests = requestStream;
    requestStream.disableAutoRequestWithInitial(1);
    requestStream.setOnReadyHandler(this::signal);
  }

  @Override
  public void onNext(ConnectResponse message) {
    dispatch(() -> {
      if (ended) {
        return;
      }
      owner.onMessage(this, message);
      if (!ended) {
        requests.request(1);
      }
    });
  }

  @Override
  public void onError(Throwable error) {
    dispatch(() -> end(Status.fromThrowable(error)));
  }

  @Override
  public void onCompleted() {
    dispatch(() -> end(Status.OK));
  }

  /** Sends a message at once, ahead of the queue: only Hello, before anything else. */
  void sendFirst(ConnectRequest message) {
    send(() -> {
      if (!ended) {
        requests.onNext(message);
      }
    });
  }

  /** Marks the session accepted: from now on the queue is pumped into it. */
  void welcomed() {
    welcomed = true;
    signal();
  }

  boolean isWelcomed() {
    return welcomed;
  }

  boolean isEnded() {
    return ended;
  }

  /** Asks the pump to run; cheap, callable from any thread. */
  void signal() {
    if (pumpScheduled.compareAndSet(false, true)) {
      try {
        sendExecutor.execute(this::pump);
      } catch (RejectedExecutionException e) {
        pumpScheduled.set(false);
      }
    }
  }

  /** Ends the worker's side of the stream cleanly, after everything already pumped. */
  void halfClose() {
    send(() -> {
      if (!ended && !halfClosed) {
        halfClosed = true;
        requests.onCompleted();
      }
    });
  }

  /** Aborts the stream; the plane sees CANCELLED. */
  void cancel(String reason) {
    ClientCallStreamObserver<ConnectRequest> stream = requests;
    if (stream != null && !ended) {
      stream.cancel(reason, null);
    }
  }

  /** Waits until the stream has ended, for at most {@code millis}. */
  boolean awaitEnd(long millis) throws InterruptedException {
    return endedLatch.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void send(Runnable action) {
    try {
      sendExecutor.execute(action);
    } catch (RejectedExecutionException e) {
      // The worker is shutting down and cancels the stream anyway.
      cancel("worker shutting down");
    }
  }

  private void dispatch(Runnable action) {
    try {
      dispatchExecutor.execute(action);
    } catch (RejectedExecutionException e) {
      // The worker has shut down; late callbacks of the closed stream have nowhere to go.
      ended = true;
      endedLatch.countDown();
    }
  }

  private void pump() {
    pumpScheduled.set(false);
    while (welcomed && !ended && !halfClosed && requests.isReady()) {
      ConnectRequest next = queue.poll();
      if (next == null) {
        return;
      }
      requests.onNext(next);
      owner.onSent(next);
    }
  }

  private void end(Status status) {
    if (ended) {
      return;
    }
    ended = true;
    endedLatch.countDown();
    owner.onEnd(this, status);
  }
}
