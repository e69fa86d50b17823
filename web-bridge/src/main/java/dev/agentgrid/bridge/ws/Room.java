package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.events.HubEvent;
import io.micronaut.core.annotation.Nullable;
import java.util.Objects;
import java.util.UUID;

/**
 * What a socket listens to: everything ({@code global}), one project, one task or one worker.
 * Rooms match on the event's own ids; e.g. {@code agent_status_change} carries the task it is
 * about but no project, so it reaches global and task rooms.
 *
 * @param kind the room's kind
 * @param id project/task id (a UUID) or worker id; null for global
 */
public record Room(Kind kind, @Nullable String id) {
    /** The one global room. */
    public static final Room GLOBAL = new Room(Kind.GLOBAL, null);
    /** Longest worker id, as the plane allows. */
    static final int MAX_WORKER_ID = 128;

    /** Kinds of rooms. */
    public enum Kind { GLOBAL, PROJECT, TASK, WORKER }

    /** A project's room. */
    public static Room project(String id) {
        return new Room(Kind.PROJECT, uuid(id, "project id"));
    }

    /** A task's room. */
    public static Room task(String id) {
        return new Room(Kind.TASK, uuid(id, "task id"));
    }

    /** A worker's room. */
    public static Room worker(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_WORKER_ID || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("worker id: expected 1 to " + MAX_WORKER_ID + " printable characters");
        }
        return new Room(Kind.WORKER, id);
    }

    /**
     * Parses {@code global}, {@code project:<uuid>}, {@code task:<uuid>} or {@code worker:<id>}.
     *
     * @throws IllegalArgumentException with a message for the client
     */
    public static Room parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("expected global, project:<uuid>, task:<uuid> or worker:<id>");
        }
        if (name.equals("global")) {
            return GLOBAL;
        }
        int colon = name.indexOf(':');
        String kind = colon < 0 ? name : name.substring(0, colon);
        String id = colon < 0 ? "" : name.substring(colon + 1);
        switch (kind) {
            case "project":
                return project(id);
            case "task":
                return task(id);
            case "worker":
                return worker(id);
            default:
                throw new IllegalArgumentException("unknown room " + abbreviate(name)
                        + " (expected global, project:<uuid>, task:<uuid> or worker:<id>)");
        }
    }

    /** Whether an event belongs to this room. */
    public boolean matches(HubEvent e) {
        switch (kind) {
            case GLOBAL:
                return true;
            case PROJECT:
                return id.equals(e.projectId());
            case TASK:
                return id.equals(e.taskId());
            default:
                return id.equals(e.workerId());
        }
    }

    /** The room's name as clients write it. */
    public String name() {
        return kind == Kind.GLOBAL ? "global" : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }

    @Override
    public String toString() {
        return name();
    }

    private static String uuid(String id, String what) {
        try {
            UUID u = UUID.fromString(Objects.requireNonNullElse(id, ""));
            String canonical = u.toString();
            if (!canonical.equalsIgnoreCase(id)) {
                throw new IllegalArgumentException();
            }
            return canonical;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + abbreviate(id) + " is not a UUID");
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
