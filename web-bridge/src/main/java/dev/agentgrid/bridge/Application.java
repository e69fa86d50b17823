package dev.agentgrid.bridge;

import io.micronaut.runtime.Micronaut;

/** Starts the Agentgrid web bridge: HTTP server with the WebSocket endpoint, REST facade and dashboard. */
public final class Application {
    private Application() {
    }

    /**
     * Runs the bridge until the process is stopped.
     *
     * @param args Micronaut command-line arguments
     */
    public static void main(String[] args) {
        Micronaut.build(args).banner(false).mainClass(Application.class).start();
    }
}
