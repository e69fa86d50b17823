package dev.agentgrid.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The worker's version, from a resource the build fills in. */
public final class AgentVersion {

  private static final String VERSION = load();

  private AgentVersion() {
  }

  /** The version, e.g. {@code 0.1.0}; {@code "dev"} when run from an unfiltered build. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = AgentVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version", "");
        if (!version.isEmpty() && !version.startsWith("${")) {
          return version;
        }
      }
    } catch (IOException e) {
      // Fall back below.
    }
    return "dev";
  }
}
