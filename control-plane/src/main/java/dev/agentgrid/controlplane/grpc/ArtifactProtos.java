package dev.agentgrid.controlplane.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;
import dev.agentgrid.controlplane.artifact.ContentEncoding;
import dev.agentgrid.controlplane.artifact.NewArtifact;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.Violations;
import dev.agentgrid.proto.v1.Artifact;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Maps artifacts to and from the contract. */
final class ArtifactProtos {
    private ArtifactProtos() {
    }

    /** The artifact without content (listings). */
    static Artifact toProto(dev.agentgrid.controlplane.artifact.Artifact a) {
        Artifact.Builder b = Artifact.newBuilder()
                .setId(a.id().toString())
                .setProjectId(a.projectId().toString())
                .setSourceAgent(a.sourceAgent())
                .setName(a.name())
                .setArtifactType(a.artifactType())
                .setMediaType(a.mediaType())
                .setSizeBytes(a.sizeBytes())
                .setCreateTime(ProtoTime.timestamp(a.createdAt()));
        if (a.taskId() != null) {
            b.setTaskId(a.taskId().toString());
        }
        return b.build();
    }

    /** The artifact with its content. */
    static Artifact toProtoWithContent(dev.agentgrid.controlplane.artifact.Artifact a) {
        Artifact.Builder b = toProto(a).toBuilder();
        switch (a.contentEncoding()) {
            case TEXT -> b.setText(a.content());
            case JSON -> b.setJson(Json.parseValue(a.content()));
            case BASE64 -> b.setBinary(ByteString.copyFrom(Base64.getDecoder().decode(a.content())));
        }
        return b.build();
    }

    /** Validates name, type, media type and content of an artifact. */
    static NewArtifact parse(UUID projectId, UUID taskId, String name, String type, String mediaType,
            ContentCase content, Violations v) {
        v.requireLength(name, "name", 1, Limits.ARTIFACT_NAME);
        v.check(name.isEmpty() || (!name.contains("/") && !name.contains("\\") && !name.equals(".")
                && !name.equals("..") && name.chars().noneMatch(ch -> ch < 0x20)), "name",
                "must be a file name without path separators or control characters");
        String artifactType = type.isEmpty() ? "file" : type;
        v.requireName(artifactType, "artifact_type");
        v.maxLength(mediaType, "media_type", 255);
        if (content.encoding() == null) {
            v.add("content", "required: one of text, json or binary");
            return null;
        }
        v.check(content.sizeBytes() <= Limits.ARTIFACT_BYTES, "content",
                content.sizeBytes() + " bytes (expected: at most " + Limits.ARTIFACT_BYTES + ")");
        if (content.encoding() == ContentEncoding.TEXT) {
            // Text is stored as text; content with NUL characters has to come as binary.
            v.noNul(content.stored(), "text");
        }
        String media = !mediaType.isEmpty() ? mediaType : switch (content.encoding()) {
            case TEXT -> "text/plain";
            case JSON -> "application/json";
            case BASE64 -> "application/octet-stream";
        };
        return new NewArtifact(projectId, taskId, name, artifactType, media, content.encoding(), content.stored(),
                content.sizeBytes());
    }

    /** The content of a request in its stored form. */
    record ContentCase(ContentEncoding encoding, String stored, long sizeBytes) {
        static ContentCase text(String text) {
            return new ContentCase(ContentEncoding.TEXT, text, text.getBytes(StandardCharsets.UTF_8).length);
        }

        static ContentCase json(Value json, Violations v) {
            try {
                String s = Json.print(json);
                return new ContentCase(ContentEncoding.JSON, s, s.getBytes(StandardCharsets.UTF_8).length);
            } catch (RuntimeException e) {
                v.add("json", "is not representable as JSON (" + e.getMessage() + ")");
                return new ContentCase(ContentEncoding.JSON, "null", 4);
            }
        }

        static ContentCase binary(ByteString bytes) {
            return new ContentCase(ContentEncoding.BASE64, Base64.getEncoder().encodeToString(bytes.toByteArray()),
                    bytes.size());
        }

        static ContentCase none() {
            return new ContentCase(null, null, 0);
        }
    }
}
