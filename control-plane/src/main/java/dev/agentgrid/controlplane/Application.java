package dev.agentgrid.controlplane;

import io.micronaut.runtime.Micronaut;

/** Starts the Agentgrid control plane: gRPC server, store and background jobs. */
public final class Application {
    private Application() {
    }

    /**
     * Runs the control plane until the process is stopped.
     *
     * @param args Micronaut command-line arguments
     */
    public static void main(String[] args) {
        Micronaut.build(args).banner(false).mainClass(Application.class).start();
    }
}
