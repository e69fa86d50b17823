package dev.agentgrid.worker.exec;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines without ever holding more than {@code maxChars} of one line: a longer line comes out in
 * pieces, each marked as not ending a line. {@code BufferedReader.readLine} would buffer a line of
 * any length, so an agent printing gigabytes without a newline could exhaust the worker's memory.
 */
final class BoundedLineReader {

  /** A piece of text and whether a line terminator ended it. */
  record Line(String text, boolean complete) {
  }

  private final Reader in;
  private final int maxChars;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;

  BoundedLineReader(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** Returns the next line (without "\n" or "\r\n"), or null at the end of the stream. */
  Line read() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line.length() == 0 ? null : new Line(line.toString(), true);
        }
      }
      while (position < limit) {
        char c = buffer[position++];
        if (c == '\n') {
          int end = line.length();
          if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
          }
          return new Line(line.toString(), true);
        }
        line.append(c);
        if (line.length() >= maxChars) {
          return new Line(line.toString(), false);
        }
      }
    }
  }
}
