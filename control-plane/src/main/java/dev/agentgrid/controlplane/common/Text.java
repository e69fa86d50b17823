package dev.agentgrid.controlplane.common;

/** String helpers. */
public final class Text {
    private Text() {
    }

    /** Cuts {@code s} to at most {@code max} characters so that it fits its column; null stays null. */
    public static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
