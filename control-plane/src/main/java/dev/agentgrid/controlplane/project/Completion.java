package dev.agentgrid.controlplane.project;

/** How far a project is. */
public record Completion(int totalTasks, int completedTasks, int failedTasks, int cancelledTasks, int unfinishedTasks,
        int artifactCount) {

    /** completed / total as a percentage in [0, 100]; 0 without tasks. */
    public double percentage() {
        return totalTasks == 0 ? 0 : 100.0 * completedTasks / totalTasks;
    }

    /** Whether every task is terminal (and there is at least one). */
    public boolean allTerminal() {
        return totalTasks > 0 && unfinishedTasks == 0;
    }
}
