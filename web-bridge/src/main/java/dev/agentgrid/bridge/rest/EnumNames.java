package dev.agentgrid.bridge.rest;

import com.google.protobuf.ProtocolMessageEnum;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seeds' lower-case names for the contract's enums: {@code TASK_STATUS_WAITING_FOR_HITL} is
 * {@code "waiting_for_hitl"} on the REST and WebSocket face.
 */
public final class EnumNames {
    private EnumNames() {
    }

    /** The lower-case name of {@code value} without {@code prefix}; null for the unspecified value. */
    @Nullable
    public static String name(ProtocolMessageEnum value, String prefix) {
        if (value.getNumber() == 0) {
            return null;
        }
        String full;
        try {
            full = value.getValueDescriptor().getName();
        } catch (IllegalArgumentException unrecognized) {
            return "unknown";
        }
        return full.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    /**
     * The enum value named {@code name} (case-insensitive, without prefix).
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static <E extends Enum<E> & ProtocolMessageEnum> E parse(Class<E> type, String prefix, String name) {
        if (name != null && !name.isBlank()) {
            String wanted = prefix + name.trim().toUpperCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(wanted) && e.name().length() > prefix.length() && !e.name().endsWith("UNSPECIFIED")) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(name + " (expected one of " + String.join(", ", names(type, prefix)) + ")");
    }

    /** The accepted names of an enum. */
    public static <E extends Enum<E> & ProtocolMessageEnum> List<String> names(Class<E> type, String prefix) {
        List<String> out = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (e.name().startsWith(prefix) && !e.name().endsWith("UNSPECIFIED")) {
                out.add(e.name().substring(prefix.length()).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
