package dev.agentgrid.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InListTest {
    @Test
    void chunksHoldAtMostMaxValuesInOrder() {
        List<Integer> values = IntStream.range(0, 2 * InList.MAX + 1).boxed().toList();
        List<List<Integer>> chunks = InList.chunks(values);
        assertEquals(List.of(InList.MAX, InList.MAX, 1), chunks.stream().map(List::size).toList());
        assertEquals(values, chunks.stream().flatMap(List::stream).toList());
        assertEquals(List.of(), InList.chunks(List.of()));
    }

    @Test
    void placeholdersMatchTheCount() {
        assertEquals("?", InList.placeholders(1));
        assertEquals("?,?,?", InList.placeholders(3));
    }
}
