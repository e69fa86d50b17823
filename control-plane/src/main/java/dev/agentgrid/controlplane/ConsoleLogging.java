package dev.agentgrid.controlplane;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.Function;

/**
 * The plane's logging, set up in code: one console appender, the root level from
 * {@code AGENTGRID_LOG_LEVEL} (default INFO), Hikari and Flyway at WARN. Logback found through
 * its service loader before it looks for XML, so start-up no longer parses a {@code logback.xml}
 * (the XML parser and Logback's configuration model were about a tenth of the plane's start-up
 * on the main thread, in a wall-clock profile). A {@code logback.xml} or {@code logback-test.xml}
 * on the classpath, or {@code -Dlogback.configurationFile}, still wins: this then steps aside.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";
    static final Map<String, Level> QUIETER = Map.of("com.zaxxer.hikari", Level.WARN, "org.flywaydb", Level.WARN);

    private final Function<String, String> env;
    private final ClassLoader resources;

    /** As Logback's service loader makes it: the process's environment and this class's loader. */
    public ConsoleLogging() {
        this(System::getenv, ConsoleLogging.class.getClassLoader());
    }

    ConsoleLogging(Function<String, String> env, ClassLoader resources) {
        this.env = env;
        this.resources = resources;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || resources.getResource("logback-test.xml") != null
                || resources.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel());
        root.addAppender(console);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code AGENTGRID_LOG_LEVEL}, any case; INFO when unset or not a level. */
    Level rootLevel() {
        String value = env.apply("AGENTGRID_LOG_LEVEL");
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
    }
}
