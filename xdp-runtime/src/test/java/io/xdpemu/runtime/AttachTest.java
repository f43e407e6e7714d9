package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.nic.Nic;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An {@link Attach} owns the firmware NIC's netty frame buffers: closing it returns every one to
 * the pool (otherwise netty's leak detector reports "ByteBuf.release() was not called" from
 * RxQueue.&lt;init&gt; once they are garbage-collected).
 */
class AttachTest {
  static Path example(String name) {
    String root = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(root != null, "xdpemu.root not set");
    Path p = Path.of(root, "examples", name);
    Assumptions.assumeTrue(Files.exists(p), "missing " + p);
    return p;
  }

  static LoadOptions withFirmware(String object, String firmware) {
    return new LoadOptions(
        example(object), null, example(firmware), null, null, null, false, null, null, true);
  }

  @Test
  void closingTheAttachmentReleasesEveryFrameBuffer() {
    Nic nic;
    try (Attach a = Attach.create(withFirmware("xdp_pass.o", "firmware/mynic-v1.json"), 2)) {
      nic = a.nic();
      assertEquals(2, nic.queueCount());
      for (int q = 0; q < nic.queueCount(); q++) {
        assertFalse(nic.queue(q).released(), "queue " + q + " before close");
      }
      // Closing happens even when the body fails, e.g. a bad --swap-firmware argument.
      assertThrows(UsageException.class, () -> a.swap("nofile.json@3"));
    }
    for (int q = 0; q < nic.queueCount(); q++) {
      assertTrue(nic.queue(q).released(), "queue " + q + " after close");
    }
  }
}
