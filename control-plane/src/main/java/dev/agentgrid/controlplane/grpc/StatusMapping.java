package dev.agentgrid.controlplane.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.agentgrid.controlplane.common.AgentgridException;
import dev.agentgrid.controlplane.common.AlreadyExistsException;
import dev.agentgrid.controlplane.common.FailedPreconditionException;
import dev.agentgrid.controlplane.common.InvalidArgumentException;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.ResourceExhaustedException;
import dev.agentgrid.controlplane.common.UnavailableException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.data.exceptions.DataAccessException;
import java.sql.SQLTransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to gRPC status. Refusals carry their message (and field
 * violations as {@code google.rpc.BadRequest}); anything unexpected is INTERNAL with a generic
 * message, and its stack trace goes to the log, never to the client.
 */
public final class StatusMapping {
    private static final Logger LOG = LoggerFactory.getLogger(StatusMapping.class);

    private StatusMapping() {
    }

    /** The status a client receives for {@code error}. */
    public static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (error instanceof StatusException se) {
            return new StatusRuntimeException(se.getStatus(), se.getTrailers());
        }
        if (error instanceof InvalidArgumentException iae) {
            BadRequest.Builder details = BadRequest.newBuilder();
            iae.violations().forEach(v -> details.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(v.field()).setDescription(v.description())));
            return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT_VALUE)
                    .setMessage(iae.getMessage())
                    .addDetails(Any.pack(details.build()))
                    .build());
        }
        if (error instanceof AgentgridException ae) {
            return codeOf(ae).withDescription(ae.getMessage()).asRuntimeException();
        }
        if (isTransientStoreFailure(error)) {
            LOG.warn("store unavailable", error);
            return Status.UNAVAILABLE.withDescription("the store is unavailable; retry later").asRuntimeException();
        }
        LOG.error("unexpected error", error);
        return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    }

    private static Status codeOf(AgentgridException e) {
        if (e instanceof NotFoundException) {
            return Status.NOT_FOUND;
        }
        if (e instanceof FailedPreconditionException) {
            return Status.FAILED_PRECONDITION;
        }
        if (e instanceof AlreadyExistsException) {
            return Status.ALREADY_EXISTS;
        }
        if (e instanceof ResourceExhaustedException) {
            return Status.RESOURCE_EXHAUSTED;
        }
        if (e instanceof UnavailableException) {
            return Status.UNAVAILABLE;
        }
        return Status.INTERNAL;
    }

    private static boolean isTransientStoreFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return error instanceof DataAccessException && error.getCause() instanceof SQLTransientException;
    }
}
