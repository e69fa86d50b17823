package dev.agentgrid.worker.spi;

/**
 * A user's chat message to a running task.
 *
 * @param id the stored message id
 * @param content the text
 * @param metadataJson schema-free metadata as a JSON object
 */
public record UserMessage(String id, String content, String metadataJson) {
}
