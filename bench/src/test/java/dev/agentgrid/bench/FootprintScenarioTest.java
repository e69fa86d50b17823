package dev.agentgrid.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which {@code java} the footprint's AOT-cache variants may run on, checked before anything starts. */
class FootprintScenarioTest {
    @TempDir
    Path dir;

    @Test
    void variantsWithoutTheAotWordNeedNoOtherJava() {
        assertNull(FootprintScenario.aotJava("", List.of("default", "c1+cds")));
        assertNull(FootprintScenario.aotJava("/nonexistent/java", List.of("c1")));
    }

    @Test
    void anAotVariantWithoutAJavaSaysWhichOptionIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FootprintScenario.aotJava("", List.of("c1+cds", "c1+aot")));
        assertTrue(e.getMessage().contains("--aot-java"), e.getMessage());
    }

    @Test
    void anAotVariantRefusesAJavaOlderThan25OrMissing() throws IOException {
        Path java17 = fakeJava("jdk17", "17.0.15");
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> FootprintScenario.aotJava(java17.toString(), List.of("c1+aot")));
        assertTrue(old.getMessage().contains("JDK 17"), old.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FootprintScenario.aotJava(dir.resolve("none/bin/java").toString(), List.of("aot")));
    }

    @Test
    void anAotVariantRunsOnAJdk25OrLater() throws IOException {
        Path java25 = fakeJava("jdk25", "25.0.3");
        assertEquals(java25, FootprintScenario.aotJava(java25.toString(), List.of("c1+aot")));
        assertEquals(26, FootprintScenario.javaRelease(fakeJava("jdk26", "26")));
    }

    @Test
    void theReleaseOfTheRunningJavaIsItsFeatureVersion() {
        assertEquals(Runtime.version().feature(), FootprintScenario.javaRelease(JavaProcess.ownJava()));
        assertEquals(-1, FootprintScenario.javaRelease(dir.resolve("bin/java")));
    }

    /** A JDK home with a {@code release} file and an executable {@code bin/java} that is never run. */
    private Path fakeJava(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }
}
