package dev.agentgrid.controlplane.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON text to and from protobuf's Struct, Value and ListValue with a streaming parser and
 * generator. Every event, task and heartbeat goes through these conversions; protobuf's
 * reflective {@code JsonFormat} made them a third of the plane's CPU. Numbers are doubles, as in
 * a Value; text written here reads back to an equal message.
 */
final class StructJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

    private StructJson() {
    }

    static String print(Struct s) {
        return write(g -> writeStruct(g, s));
    }

    static String print(Value v) {
        return write(g -> writeValue(g, v));
    }

    static String print(ListValue l) {
        return write(g -> writeList(g, l));
    }

    /** Parses a JSON object. */
    static Struct parseStruct(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            Struct s = readStruct(p);
            requireEnd(p);
            return s;
        }
    }

    /** Parses any JSON value. */
    static Value parseValue(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IOException("no JSON value");
            }
            Value v = readValue(p);
            requireEnd(p);
            return v;
        }
    }

    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    private static String write(Writing w) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.to(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeStruct(JsonGenerator g, Struct s) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeList(JsonGenerator g, ListValue l) throws IOException {
        g.writeStartArray();
        for (Value v : l.getValuesList()) {
            writeValue(g, v);
        }
        g.writeEndArray();
    }

    private static void writeValue(JsonGenerator g, Value v) throws IOException {
        switch (v.getKindCase()) {
            case STRUCT_VALUE -> writeStruct(g, v.getStructValue());
            case LIST_VALUE -> writeList(g, v.getListValue());
            case STRING_VALUE -> g.writeString(v.getStringValue());
            case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("a JSON number must be finite, got " + d);
                }
                g.writeNumber(d);
            }
            case NULL_VALUE, KIND_NOT_SET -> g.writeNull();
        }
    }

    private static Struct readStruct(JsonParser p) throws IOException {
        Struct.Builder b = Struct.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            b.putFields(name, readValue(p));
        }
        return b.build();
    }

    private static Value readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT:
                return Value.newBuilder().setStructValue(readStruct(p)).build();
            case START_ARRAY:
                ListValue.Builder l = ListValue.newBuilder();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.addValues(readValue(p));
                }
                return Value.newBuilder().setListValue(l).build();
            case VALUE_STRING:
                return Value.newBuilder().setStringValue(p.getText()).build();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return Value.newBuilder().setNumberValue(p.getDoubleValue()).build();
            case VALUE_TRUE:
                return Value.newBuilder().setBoolValue(true).build();
            case VALUE_FALSE:
                return Value.newBuilder().setBoolValue(false).build();
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected " + t);
        }
    }

    private static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new IOException("text after the JSON value");
        }
    }
}
