package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.xdpemu.ebpf.vm.ExecutionContext;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The steer stage's result is what the queue writes from; the queue parses only after a swap. */
class ParseOnceTest {
  private static byte[] metaOf(ExecutionContext ctx) {
    return Arrays.copyOfRange(ctx.xdp().frame, ctx.xdp().meta, ctx.xdp().data);
  }

  @Test
  void theQueueWritesFromTheSteeredResultWithoutParsingAgain() {
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v2.json"), NicConfig.defaults())) {
      byte[] tcp = RxPathTest.TCP;
      RxParse p = new RxParse();
      int q = nic.steer(tcp, 0, tcp.length, p);
      ExecutionContext a = RxPathTest.context();
      nic.queue(q).receive(tcp, 0, tcp.length, 7, p, a);
      assertSame(p.result(), nic.queue(q).lastResult());
      byte[] steered = metaOf(a);

      // The same frame through the queue's own classification writes the same metadata.
      ExecutionContext b = RxPathTest.context();
      nic.queue(q).receive(tcp, 0, tcp.length, 7, b);
      byte[] own = metaOf(b);
      // (ring index and buffer address differ from frame to frame; the parse outputs must not)
      assertEquals(steered.length, own.length);
      assertEquals(p.result().rssHash, nic.queue(q).lastResult().rssHash);
      assertEquals(p.result().ptype, nic.queue(q).lastResult().ptype);
      assertEquals(p.result().checksumStatus, nic.queue(q).lastResult().checksumStatus);
    }
  }

  @Test
  void aFrameSteeredBeforeASwapIsClassifiedAgainByTheNewFirmware() {
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v1.json"), NicConfig.defaults())) {
      byte[] tcp = RxPathTest.TCP;
      RxParse p = new RxParse();
      int q = nic.steer(tcp, 0, tcp.length, p);
      nic.load(TestFiles.firmware("mynic-v2.json"), FirmwareValidator.ACCEPT_ALL);
      ExecutionContext ctx = RxPathTest.context();
      nic.queue(q).receive(tcp, 0, tcp.length, 7, p, ctx);
      assertEquals("2.0.0", nic.queue(q).lastFirmware().version());
      assertEquals(nic.firmware().metadataSize(), ctx.xdp().metaLength());
      assertSame(p.result(), nic.queue(q).lastResult());
    }
  }
}
