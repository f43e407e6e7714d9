package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.XdpBuff;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The NIC never lets one packet's headroom bytes reach a later packet's program. */
class HeadroomTest {
  private static final byte[] FRAME = new byte[60];
  private static final int HEADROOM = NicConfig.XDP_PACKET_HEADROOM;

  /** What a program that moved data_meta/data down by {@code by} and wrote there leaves behind. */
  private static void dirtyHeadroom(XdpBuff x, int by) {
    x.meta -= by;
    x.data -= by;
    x.lowest = Math.min(x.lowest, x.meta);
    Arrays.fill(x.frame, x.meta, x.hardStart + HEADROOM, (byte) 0x5a);
  }

  private static byte[] headroom(XdpBuff x) {
    return Arrays.copyOfRange(x.frame, x.hardStart, x.hardStart + HEADROOM);
  }

  private static Nic nic(int frames) {
    return Nic.plain(NicConfig.defaults().withQueues(1).withFrames(frames));
  }

  @Test
  void headroomWrittenAfterAdjustHeadIsZeroForTheNextPacket() {
    try (Nic nic = nic(1)) {
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, ctx);
      dirtyHeadroom(ctx.xdp(), 200);
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, ctx);
      assertArrayEquals(new byte[HEADROOM], headroom(ctx.xdp()));
    }
  }

  @Test
  void bufferLastUsedByAnotherContextIsClearedInFull() {
    try (Nic nic = nic(1)) {
      ExecutionContext a = new ExecutionContext(new RegionRegistry());
      ExecutionContext b = new ExecutionContext(new RegionRegistry());
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, a);
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, b);
      dirtyHeadroom(b.xdp(), 216);
      // a's own record says nothing was written since its delivery; b wrote in between.
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, a);
      assertArrayEquals(new byte[HEADROOM], headroom(a.xdp()));
    }
  }

  @Test
  void aStaleContextDoesNotVouchForABufferAnotherContextWroteSince() {
    try (Nic nic = nic(2)) {
      RxQueue q = nic.queue(0);
      ExecutionContext a = new ExecutionContext(new RegionRegistry());
      ExecutionContext b = new ExecutionContext(new RegionRegistry());
      ExecutionContext c = new ExecutionContext(new RegionRegistry());
      q.receive(FRAME, 0, FRAME.length, 0, a); // buffer 0
      q.receive(FRAME, 0, FRAME.length, 0, b); // buffer 1
      q.receive(FRAME, 0, FRAME.length, 0, b); // buffer 0 again, a's frame gone
      dirtyHeadroom(b.xdp(), 200);
      // a's record names buffer 0's earlier frame: it must not mark buffer 0 clean.
      q.receive(FRAME, 0, FRAME.length, 0, a); // buffer 1
      q.receive(FRAME, 0, FRAME.length, 0, c); // buffer 0: b never retired its frame
      assertArrayEquals(new byte[HEADROOM], headroom(c.xdp()));
    }
  }

  @Test
  void dirtyBufferIsClearedWhenTheRingComesBackToIt() {
    try (Nic nic = nic(3)) {
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      nic.queue(0).receive(FRAME, 0, FRAME.length, 0, ctx);
      dirtyHeadroom(ctx.xdp(), 100);
      for (int i = 0; i < 3; i++) {
        nic.queue(0).receive(FRAME, 0, FRAME.length, 0, ctx);
        assertArrayEquals(new byte[HEADROOM], headroom(ctx.xdp()), "frame " + (i + 1));
      }
    }
  }
}
