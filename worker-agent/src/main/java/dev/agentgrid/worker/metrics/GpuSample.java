package dev.agentgrid.worker.metrics;

/**
 * One GPU as nvidia-smi reports it.
 *
 * @param index index as the driver numbers it
 * @param name model name
 * @param utilization busy fraction in [0, 1]; 0 when the driver does not say
 * @param memoryUsedBytes memory used
 * @param memoryTotalBytes memory in all
 */
public record GpuSample(int index, String name, double utilization, long memoryUsedBytes,
    long memoryTotalBytes) {
}
