package dev.agentgrid.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plane's logging set up in code, and stepping aside for a Logback file. */
class ConsoleLoggingTest {
    /** Sees no resources at all: like the plane's jar, which ships no logback.xml. */
    private static final ClassLoader NO_XML = new URLClassLoader(new URL[0], null);

    @Test
    void setsUpTheConsoleAtTheLevelOfTheEnvironment() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging(Map.of("AGENTGRID_LOG_LEVEL", "warn")::get, NO_XML);
        logging.setContext(context);

        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, logging.configure(context));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertTrue(console.isStarted());
        assertEquals(ConsoleLogging.PATTERN, ((PatternLayoutEncoder) console.getEncoder()).getPattern());
        assertEquals(Level.WARN, context.getLogger("com.zaxxer.hikari").getLevel());
        assertEquals(Level.WARN, context.getLogger("org.flywaydb").getLevel());
        assertNull(context.getLogger("dev.agentgrid").getLevel(), "everything else inherits the root's level");
    }

    @Test
    void anUnsetOrUnknownLevelIsInfo() {
        assertEquals(Level.INFO, new ConsoleLogging(Map.<String, String>of()::get, NO_XML).rootLevel());
        assertEquals(Level.INFO, new ConsoleLogging(Map.of("AGENTGRID_LOG_LEVEL", " ")::get, NO_XML).rootLevel());
        assertEquals(Level.INFO, new ConsoleLogging(Map.of("AGENTGRID_LOG_LEVEL", "loud")::get, NO_XML).rootLevel());
        assertEquals(Level.DEBUG, new ConsoleLogging(Map.of("AGENTGRID_LOG_LEVEL", "Debug ")::get, NO_XML).rootLevel());
    }

    @Test
    void aLogbackFileOnTheClasspathWins() {
        // The test classpath holds logback-test.xml, as a user's own logback.xml would be.
        LoggerContext context = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging(Map.of("AGENTGRID_LOG_LEVEL", "error")::get,
                ConsoleLoggingTest.class.getClassLoader());
        logging.setContext(context);

        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertFalse(root.iteratorForAppenders().hasNext());
        assertEquals(Level.DEBUG, root.getLevel(), "Logback's own default, untouched");
    }
}
