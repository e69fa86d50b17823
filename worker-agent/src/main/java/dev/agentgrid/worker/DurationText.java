package dev.agentgrid.worker;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations the way people type them: 500ms, 30s, 2m, 1h, or ISO-8601 PT30S. */
final class DurationText {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

  private DurationText() {
  }

  /**
   * Parses a duration; a bare number means seconds.
   *
   * @throws InvalidOptionException naming {@code option} if the text is not a duration
   */
  static Duration parse(String option, String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    Matcher matcher = SIMPLE.matcher(value);
    try {
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofSeconds(amount);
        };
      }
      if (value.startsWith("pt") || value.startsWith("p")) {
        Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
        if (!parsed.isNegative()) {
          return parsed;
        }
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      // Falls through to the message below.
    }
    throw new InvalidOptionException(option + ": \"" + text
        + "\" (expected: a duration such as 500ms, 30s, 2m or 1h)");
  }

  /** Formats a duration in the largest unit that keeps it exact. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
