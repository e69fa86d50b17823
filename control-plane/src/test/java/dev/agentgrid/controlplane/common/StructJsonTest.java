package dev.agentgrid.controlplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming codec reads and writes the same JSON as protobuf's JsonFormat. */
class StructJsonTest {
    private static final Struct SAMPLE = Json.object(
            "text", "plain",
            "escapes", "quote \" backslash \\ newline \n tab \t nul \u0000 html <&'=>",
            "unicode", "żółw 🐢 中文",
            "numbers", List.of(0, -1.5, 1e21, 1e-7, 123456789012L, 0.1 + 0.2, Double.MAX_VALUE),
            "flags", List.of(true, false),
            "nothing", null,
            "nested", Map.of("a", Map.of("b", List.of(Map.of("c", 1), List.of()))),
            "empty", Map.of());

    @Test
    void whatItPrintsJsonFormatReadsBackAsTheSameMessageAndTheOtherWayRound() throws Exception {
        Struct.Builder viaJsonFormat = Struct.newBuilder();
        JsonFormat.parser().merge(Json.print(SAMPLE), viaJsonFormat);
        assertEquals(SAMPLE, viaJsonFormat.build());
        assertEquals(SAMPLE, Json.parseStruct(JsonFormat.printer().print(SAMPLE)));
        assertEquals(SAMPLE, Json.parseStruct(JsonFormat.printer().omittingInsignificantWhitespace().print(SAMPLE)));
    }

    @Test
    void valuesAndListsOfEveryKindRoundTrip() {
        for (Value v : List.of(Json.value(null), Json.value("s"), Json.value(3), Json.value(true),
                Json.value(List.of(1, "two", Map.of("three", 3))), Json.value(Map.of("k", "v")))) {
            assertEquals(v, Json.parseValue(Json.print(v)), v.toString());
        }
        ListValue list = Json.value(List.of(1, 2)).getListValue();
        assertEquals("[1.0,2.0]", Json.print(list));
        assertEquals("{\"a\":1.0,\"b\":\"x\"}", Json.print(Json.object("a", 1, "b", "x")));
    }

    @Test
    void corruptTextIsRefusedNotHalfRead() {
        for (String bad : List.of("{", "{\"a\":}", "[1,2]", "{\"a\":1} trailing", "nope", "{'a':1}")) {
            assertThrows(IllegalStateException.class, () -> Json.parseStruct(bad), bad);
        }
        assertThrows(IllegalStateException.class, () -> Json.parseValue("[1,"));
        assertThrows(IllegalArgumentException.class, () -> Json.print(Value.newBuilder().setNumberValue(Double.NaN)));
    }
}
