package dev.agentgrid.worker.exec;

import java.util.ArrayList;
import java.util.List;

/** UTF-8 size arithmetic without encoding, so limits in bytes can be kept on Java strings. */
final class Utf8 {

  private Utf8() {
  }

  /** Bytes {@code text} takes in UTF-8. */
  static int length(CharSequence text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      bytes += charBytes(text.charAt(i));
    }
    return bytes;
  }

  /**
   * Splits {@code text} into pieces of at most {@code maxBytes} UTF-8 bytes each, never inside a
   * surrogate pair.
   */
  static List<String> split(String text, int maxBytes) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int size = charBytes(c);
      boolean pairStart = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      int needed = pairStart ? size + charBytes(text.charAt(i + 1)) : size;
      if (bytes + needed > maxBytes && i > start) {
        pieces.add(text.substring(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  private static int charBytes(char c) {
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    // A surrogate pair is 4 bytes in UTF-8, 2 per half; other BMP characters are 3.
    return Character.isSurrogate(c) ? 2 : 3;
  }
}
