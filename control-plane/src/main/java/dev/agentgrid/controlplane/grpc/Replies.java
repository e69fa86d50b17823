package dev.agentgrid.controlplane.grpc;

import io.grpc.stub.StreamObserver;

/** Completes unary calls. */
final class Replies {
    private Replies() {
    }

    static <T> void reply(StreamObserver<T> out, T message) {
        out.onNext(message);
        out.onCompleted();
    }
}
