package dev.agentgrid.bridge.ws;

import dev.agentgrid.bridge.rest.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client asks for when it opens {@code /ws}: its first room ({@code project_id},
 * {@code task_id} or {@code worker_id}, else global) and where to resume ({@code after}, else the
 * {@code Last-Event-ID} header; absent means live from now).
 *
 * @param room the socket's first room
 * @param after the last durable seq the client has seen, or null for live only
 */
public record SocketRequest(Room room, @Nullable Long after) {
    /** The header a reconnecting client may send its last seen seq in (as with server-sent events). */
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    /** The request's rooms and resume point, or the violations that refuse it. */
    static Parsed parse(HttpRequest<?> request) {
        List<Violation> violations = new ArrayList<>();
        List<Room> rooms = new ArrayList<>();
        room(request, "project_id", violations, rooms, Room::project);
        room(request, "task_id", violations, rooms, Room::task);
        room(request, "worker_id", violations, rooms, Room::worker);
        if (rooms.size() > 1) {
            violations.add(new Violation("project_id", "give at most one of project_id, task_id and worker_id;"
                    + " subscribe to more rooms with subscribe frames"));
        }
        Long after = null;
        String field = "after";
        String raw = request.getParameters().get("after");
        if (raw == null || raw.isEmpty()) {
            field = LAST_EVENT_ID;
            raw = request.getHeaders().get(LAST_EVENT_ID);
        }
        if (raw != null && !raw.isBlank()) {
            try {
                after = Long.parseLong(raw.trim());
                if (after < 0) {
                    violations.add(new Violation(field, raw + " (expected: a seq, 0 or more)"));
                }
            } catch (NumberFormatException e) {
                violations.add(new Violation(field, clip(raw) + " (expected: a seq, 0 or more)"));
            }
        }
        if (!violations.isEmpty()) {
            return new Parsed(null, violations);
        }
        return new Parsed(new SocketRequest(rooms.isEmpty() ? Room.GLOBAL : rooms.get(0), after), List.of());
    }

    private static void room(HttpRequest<?> request, String name, List<Violation> violations, List<Room> rooms,
            java.util.function.Function<String, Room> make) {
        String value = request.getParameters().get(name);
        if (value == null) {
            return;
        }
        try {
            rooms.add(make.apply(value));
        } catch (IllegalArgumentException e) {
            violations.add(new Violation(name, e.getMessage()));
        }
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** A parse result: the request, or why it is refused. */
    record Parsed(@Nullable SocketRequest request, List<Violation> violations) {
    }
}
