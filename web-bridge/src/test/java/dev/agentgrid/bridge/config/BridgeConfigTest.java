package dev.agentgrid.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).start()) {
            BridgeConfig c = ctx.getBean(BridgeConfig.class);
            assertEquals("localhost:50051", c.controlPlane());
            assertEquals(10_000, c.ringSize());
            assertEquals(Duration.ofSeconds(20), c.pingInterval());
            assertEquals(Duration.ofSeconds(60), c.idleTimeout());
            assertEquals(1000, c.maxQueuedFrames());
            assertEquals(64L << 20, c.maxQueuedBytesTotal());
            assertEquals(20, c.maxConnectionsPerAddress());
            assertEquals(20, c.maxMessagesPerSecond());
            assertEquals(65_536, c.maxFrameBytes());
            assertEquals(List.of("http://localhost:8080", "http://127.0.0.1:8080"), c.allowedOrigins());
        }
    }

    @Test
    void commaSeparatedOriginsAreReadAndNormalised() {
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false)
                .properties(Map.of("agentgrid.bridge.allowed-origins", "https://Dash.example.com/,http://x:9000")).start()) {
            assertEquals(List.of("https://dash.example.com", "http://x:9000"),
                    ctx.getBean(BridgeConfig.class).allowedOrigins());
        }
    }

    @Test
    void badSettingsAreRefusedNamingEachOne() {
        Exception e = assertThrows(Exception.class, () -> {
            try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false)
                    .properties(Map.of("agentgrid.bridge.allowed-origins", "*", "agentgrid.bridge.ring-size", "0",
                            "agentgrid.bridge.idle-timeout", "10s", "agentgrid.bridge.max-queued-bytes-total", "4096"))
                    .start()) {
                ctx.getBean(BridgeConfig.class);
            }
        });
        String message = rootMessage(e);
        assertTrue(message.contains("allowed-origins: * (expected: scheme://host[:port], no wildcard)"), message);
        assertTrue(message.contains("ring-size: 0 (expected: >= 1)"), message);
        assertTrue(message.contains("idle-timeout: PT10S (expected: > ping-interval PT20S)"), message);
        assertTrue(message.contains("max-queued-bytes-total: 4096 (expected: >= 1048576)"), message);
    }

    private static String rootMessage(Throwable t) {
        Throwable e = t;
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
