package dev.agentgrid.controlplane.worker;

import java.util.List;
import java.util.Map;

/**
 * A validated Hello.
 *
 * @param inventoryJson the machine inventory as JSON
 */
public record WorkerRegistration(String workerId, String name, String hostname, String version,
        Map<String, String> labels, List<String> agentTypes, int slots, String inventoryJson) {
}
