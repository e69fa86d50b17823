package dev.agentgrid.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.proto.v1.OutputChunk;
import dev.agentgrid.proto.v1.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputChunkerTest {

  @Test
  void consecutiveTextOfOneStreamJoinsOneChunkAndStreamsSplitChunks() {
    OutputChunker chunker = new OutputChunker();
    chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, "a\n");
    chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, "b\n");
    chunker.append(OutputStream.OUTPUT_STREAM_STDERR, "oops\n");
    chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, "c\n");

    List<OutputChunk> chunks = chunker.take();

    assertEquals(3, chunks.size());
    assertEquals("a\nb\n", chunks.get(0).getText());
    assertEquals(OutputStream.OUTPUT_STREAM_STDERR, chunks.get(1).getStream());
    assertEquals(List.of(1L, 2L, 3L), chunks.stream().map(OutputChunk::getSequence).toList());
    assertTrue(chunker.isEmpty());
  }

  @Test
  void theEndOfAnAgentMessageClosesItsChunkMarkedAndTheNextMessageStartsANewOne() {
    OutputChunker chunker = new OutputChunker();
    chunker.append(OutputStream.OUTPUT_STREAM_AGENT, "Hello, ");
    chunker.append(OutputStream.OUTPUT_STREAM_AGENT, "world.");
    chunker.endMessage();
    chunker.append(OutputStream.OUTPUT_STREAM_AGENT, "Next");
    List<OutputChunk> batch = chunker.take();
    assertEquals(List.of("Hello, world.", "Next"), batch.stream().map(OutputChunk::getText).toList());
    assertEquals(List.of(true, false), batch.stream().map(OutputChunk::getEndOfMessage).toList());
    assertEquals(List.of(1L, 2L), batch.stream().map(OutputChunk::getSequence).toList());

    chunker.endMessage();
    List<OutputChunk> marker = chunker.take();
    assertEquals(1, marker.size(), "an end with no text left is an empty marked chunk");
    assertEquals("", marker.get(0).getText());
    assertEquals(true, marker.get(0).getEndOfMessage());
  }

  @Test
  void sequencesContinueAcrossBatches() {
    OutputChunker chunker = new OutputChunker();
    chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, "one");
    chunker.take();
    chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, "two");

    assertEquals(2, chunker.take().get(0).getSequence());
  }

  @Test
  void aBatchNeverHoldsMoreThan32KibAndLongTextIsSplit() {
    OutputChunker chunker = new OutputChunker();
    String big = "x".repeat(100_000);

    List<List<OutputChunk>> ready = chunker.append(OutputStream.OUTPUT_STREAM_STDOUT, big);
    List<OutputChunk> rest = chunker.take();

    assertEquals(3, ready.size());
    StringBuilder all = new StringBuilder();
    long expectedSequence = 1;
    for (List<OutputChunk> batch : List.of(ready.get(0), ready.get(1), ready.get(2), rest)) {
      int bytes = batch.stream().mapToInt(c -> c.getText().length()).sum();
      assertTrue(bytes <= OutputChunker.MAX_BATCH_BYTES, "batch of " + bytes + " bytes");
      for (OutputChunk chunk : batch) {
        assertEquals(expectedSequence++, chunk.getSequence());
        all.append(chunk.getText());
      }
    }
    assertEquals(big, all.toString());
  }

  @Test
  void splittingCountsUtf8BytesAndKeepsSurrogatePairsWhole() {
    String emoji = "\uD83D\uDE00"; // 4 bytes in UTF-8
    List<String> pieces = Utf8.split(emoji.repeat(10_000), OutputChunker.MAX_BATCH_BYTES);

    for (String piece : pieces) {
      assertTrue(Utf8.length(piece) <= OutputChunker.MAX_BATCH_BYTES);
      assertTrue(Character.isHighSurrogate(piece.charAt(0)));
    }
    assertEquals(emoji.repeat(10_000), String.join("", pieces));
  }
}
