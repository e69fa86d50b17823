package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FanoutClientsTest {
    @Test
    void onlyPlainWebSocketAddressesAreAccepted() {
        try (FanoutClients clients = new FanoutClients(1)) {
            FanoutTally tally = new FanoutTally("task_status_change", 1);
            assertThrows(IllegalArgumentException.class,
                    () -> clients.open(URI.create("wss://127.0.0.1:8443/ws"), new FanoutSocket(0, tally)));
            assertThrows(IllegalArgumentException.class,
                    () -> clients.open(URI.create("http://127.0.0.1:8080/ws"), new FanoutSocket(1, tally)));
        }
    }

    @Test
    void aSocketThatCannotConnectFailsItsConnectedFuture() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens once it is closed
        }
        try (FanoutClients clients = new FanoutClients(1)) {
            FanoutSocket socket = new FanoutSocket(0, new FanoutTally("task_status_change", 1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> clients
                    .open(URI.create("ws://127.0.0.1:" + closedPort + "/ws"), socket).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof java.net.ConnectException, e.toString());
        }
    }

    @Test
    void theScenarioRefusesCountsBelowOneBeforeConnecting() {
        Report report = new Report(new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        for (String bad : List.of("--clients=0", "--rate=0", "--warmup-rate=0", "--client-threads=0")) {
            Options options = Options.parse(new String[] {"--plane=127.0.0.1:1", "--bridge=http://127.0.0.1:1", bad}, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FanoutScenario().run(options, report), bad);
            assertTrue(e.getMessage().contains("must be >= 1"), bad + ": " + e.getMessage());
        }
    }
}
