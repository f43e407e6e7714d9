package io.xdpemu.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A classic pcap's cursor finds its records through the starts noted when the capture was opened
 * ({@link Capture}): it must see exactly the records, offsets, lengths and timestamps that
 * following the records' lengths sees, pass after pass.
 */
class CaptureIndexTest {
  @TestFactory
  Stream<DynamicTest> theIndexedCursorSeesWhatTheWalkSees() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("..", "pcaps"))) {
      s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(files::add);
    }
    files.addAll(
        TcpdumpCapturesTest.captures().stream()
            .filter(p -> p.toString().endsWith(".pcap"))
            .toList());
    assertTrue(files.size() >= 3 + 10, "captures found: " + files);
    return files.stream()
        .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static void check(Path p) throws IOException {
    byte[] bytes = Files.readAllBytes(p);
    for (Capture c : List.of(Capture.open(p), Capture.of(p.toString(), bytes))) {
      CaptureCursor indexed = c.cursor();
      assertTrue(indexed instanceof PcapCursor);
      for (int pass = 0; pass < 2; pass++) {
        CaptureCursor walked = new PcapCursor(p.toString(), ByteBuffer.wrap(bytes), null);
        long n = 0;
        while (walked.next()) {
          assertTrue(indexed.next(), p + ": record " + n + " missing");
          String at = p + " record " + n + " pass " + pass;
          assertEquals(walked.index(), indexed.index(), at);
          assertEquals(walked.recordOffset(), indexed.recordOffset(), at);
          assertEquals(walked.dataOffset(), indexed.dataOffset(), at);
          assertEquals(walked.capturedLength(), indexed.capturedLength(), at);
          assertEquals(walked.originalLength(), indexed.originalLength(), at);
          assertEquals(walked.timestampNs(), indexed.timestampNs(), at);
          assertEquals(walked.fcsLength(), indexed.fcsLength(), at);
          assertEquals(walked.linkType(), indexed.linkType(), at);
          n++;
        }
        assertFalse(indexed.next(), p + ": a record after the last");
        assertEquals(c.packetCount(), n);
        indexed.rewind();
      }
    }
  }
}
