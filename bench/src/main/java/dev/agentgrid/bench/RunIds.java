package dev.agentgrid.bench;

import java.security.SecureRandom;

/** Short ids that tell this run's projects, workers and agent types from any other run's. */
final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private RunIds() {
    }

    /** Eight lower-case letters and digits. */
    static String next() {
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
