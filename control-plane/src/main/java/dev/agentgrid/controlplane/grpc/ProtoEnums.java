package dev.agentgrid.controlplane.grpc;

import com.google.protobuf.ProtocolMessageEnum;
import dev.agentgrid.controlplane.common.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps between contract enums ({@code TASK_STATUS_RUNNING}) and domain enums ({@code RUNNING}):
 * the contract's values are the domain's names behind the enum's prefix. UNSPECIFIED and values
 * this build does not know are refused as field violations.
 */
final class ProtoEnums {
    private ProtoEnums() {
    }

    /** The contract value of a domain value. */
    static <P extends Enum<P> & ProtocolMessageEnum> P toProto(Enum<?> domain, Class<P> type) {
        return Enum.valueOf(type, prefix(type) + domain.name());
    }

    /** The domain value of a contract value, or null with a violation recorded under {@code field}. */
    static <D extends Enum<D>, P extends Enum<P> & ProtocolMessageEnum> D toDomain(P value, Class<D> domain,
            String field, Violations v) {
        String prefix = prefix(value.getDeclaringClass());
        if (value.name().equals("UNRECOGNIZED") || value.name().equals(prefix + "UNSPECIFIED")) {
            v.add(field, "must be one of " + known(value.getDeclaringClass(), prefix));
            return null;
        }
        return Enum.valueOf(domain, value.name().substring(prefix.length()));
    }

    /** The domain values of repeated contract values, violations recorded as {@code field[i]}. */
    static <D extends Enum<D>, P extends Enum<P> & ProtocolMessageEnum> List<D> toDomain(List<P> values,
            Class<D> domain, String field, Violations v) {
        List<D> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            D d = toDomain(values.get(i), domain, field + "[" + i + "]", v);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    private static String prefix(Class<?> protoEnum) {
        // TaskStatus -> TASK_STATUS_
        return protoEnum.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_";
    }

    private static String known(Class<?> protoEnum, String prefix) {
        List<String> names = new ArrayList<>();
        for (Object c : protoEnum.getEnumConstants()) {
            String n = ((Enum<?>) c).name();
            if (!n.equals("UNRECOGNIZED") && !n.equals(prefix + "UNSPECIFIED")) {
                names.add(n);
            }
        }
        return String.join(", ", names);
    }
}
