package dev.agentgrid.controlplane.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Server reflection, so grpcurl and other generic clients can list and describe the services.
 * Both versions: v1 for current clients, v1alpha for the many older ones that ask only for it.
 */
@Factory
public class ReflectionServices {
    /** grpc.reflection.v1. */
    @Singleton
    @Named("reflection-v1")
    BindableService reflectionV1() {
        return ProtoReflectionServiceV1.newInstance();
    }

    /** grpc.reflection.v1alpha. */
    @Singleton
    @Named("reflection-v1alpha")
    @SuppressWarnings("deprecation")
    BindableService reflectionV1alpha() {
        return ProtoReflectionService.newInstance();
    }
}
