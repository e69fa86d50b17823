package dev.agentgrid.bench;

import io.netty.util.AsciiString;
import java.time.LocalDate;

/**
 * Reads the two fields the fan-out benchmark needs from a bridge event frame without a JSON
 * parser: {@code seq} and {@code timestamp} (ISO-8601 UTC as {@code Instant#toString} writes it,
 * e.g. {@code 2026-01-31T12:00:00.123456Z}). Frames are flat objects whose string values are ids,
 * types and statuses, so the first occurrence of each key is the frame's own. One instance per
 * socket (it caches the last date it saw).
 */
final class EventFrames {
    private static final String TYPE = "\"event_type\":\"";
    private static final String PROJECT = "\"project_id\":\"";
    private static final String SEQ = "\"seq\":";
    private static final String TIMESTAMP = "\"timestamp\":\"";

    private String cachedDate = "";
    private long cachedEpochDay;

    /** Whether the frame's {@code event_type} is {@code type}. */
    static boolean isType(CharSequence frame, String type) {
        return stringFieldIs(frame, TYPE, type);
    }

    /** Whether the frame's {@code project_id} is {@code projectId}. */
    static boolean isProject(CharSequence frame, String projectId) {
        return stringFieldIs(frame, PROJECT, projectId);
    }

    /** Whether the first {@code "key":"} (given with its opening quote) is followed by exactly {@code value}. */
    private static boolean stringFieldIs(CharSequence frame, String keyAndQuote, String value) {
        int i = indexOf(frame, keyAndQuote, 0);
        if (i < 0 || i + keyAndQuote.length() + value.length() >= frame.length()) {
            return false;
        }
        int start = i + keyAndQuote.length();
        for (int k = 0; k < value.length(); k++) {
            if (frame.charAt(start + k) != value.charAt(k)) {
                return false;
            }
        }
        return frame.charAt(start + value.length()) == '"';
    }

    /** The frame's {@code seq}, or -1 if absent or null. */
    static long seq(CharSequence frame) {
        int i = indexOf(frame, SEQ, 0);
        if (i < 0) {
            return -1;
        }
        long v = 0;
        boolean any = false;
        for (int p = i + SEQ.length(); p < frame.length(); p++) {
            char c = frame.charAt(p);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            any = true;
        }
        return any ? v : -1;
    }

    /** The frame's {@code timestamp} in epoch nanoseconds, or -1 if absent or not understood. */
    long timestampEpochNanos(CharSequence frame) {
        int i = indexOf(frame, TIMESTAMP, 0);
        if (i < 0) {
            return -1;
        }
        int p = i + TIMESTAMP.length();
        // yyyy-MM-ddTHH:mm:ss at least, then optional .fraction, then Z
        if (p + 20 > frame.length() || frame.charAt(p + 10) != 'T') {
            return -1;
        }
        try {
            long day = epochDay(frame, p);
            long secondOfDay = digits(frame, p + 11, 2) * 3600 + digits(frame, p + 14, 2) * 60 + digits(frame, p + 17, 2);
            long nanos = 0;
            int q = p + 19;
            if (frame.charAt(q) == '.') {
                int scale = 100_000_000;
                for (q++; q < frame.length() && frame.charAt(q) != 'Z'; q++) {
                    nanos += (frame.charAt(q) - '0') * (long) scale;
                    scale /= 10;
                }
            }
            if (q >= frame.length() || frame.charAt(q) != 'Z') {
                return -1;
            }
            return (day * 86_400 + secondOfDay) * 1_000_000_000L + nanos;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private long epochDay(CharSequence frame, int p) {
        CharSequence date = frame.subSequence(p, p + 10);
        if (!cachedDate.contentEquals(date)) {
            cachedEpochDay = LocalDate.parse(date).toEpochDay();
            cachedDate = date.toString();
        }
        return cachedEpochDay;
    }

    private static long digits(CharSequence s, int from, int n) {
        long v = 0;
        for (int k = from; k < from + n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a digit");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int indexOf(CharSequence s, String needle, int from) {
        if (s instanceof String str) {
            return str.indexOf(needle, from);
        }
        if (s instanceof AsciiString ascii) {
            return ascii.indexOf(needle, from);
        }
        outer:
        for (int i = from; i <= s.length() - needle.length(); i++) {
            for (int k = 0; k < needle.length(); k++) {
                if (s.charAt(i + k) != needle.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
