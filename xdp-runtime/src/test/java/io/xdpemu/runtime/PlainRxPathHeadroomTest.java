package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.XdpBuff;
import org.junit.jupiter.api.Test;

/** The plain NIC never lets one packet's headroom bytes reach the next packet's program. */
class PlainRxPathHeadroomTest {
  private static final byte[] FRAME = new byte[60];

  /** What a program that moved data_meta/data down by {@code by} and wrote there leaves behind. */
  private static void dirtyHeadroom(XdpBuff x, int by) {
    x.meta -= by;
    x.data -= by;
    x.lowest = Math.min(x.lowest, x.meta);
    java.util.Arrays.fill(x.frame, x.meta, PlainRxPath.HEADROOM, (byte) 0x5a);
  }

  private static byte[] headroom(XdpBuff x) {
    return java.util.Arrays.copyOfRange(x.frame, 0, PlainRxPath.HEADROOM);
  }

  @Test
  void headroomWrittenAfterAdjustHeadIsZeroForTheNextPacket() {
    PlainRxPath nic = new PlainRxPath(1, 2);
    ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
    nic.deliver(0, FRAME, FRAME.length, 0, ctx);
    dirtyHeadroom(ctx.xdp(), 200);
    nic.deliver(0, FRAME, FRAME.length, 0, ctx);
    assertArrayEquals(new byte[PlainRxPath.HEADROOM], headroom(ctx.xdp()));
  }

  @Test
  void bufferLastUsedByAnotherContextIsClearedInFull() {
    PlainRxPath nic = new PlainRxPath(1, 2);
    ExecutionContext a = new ExecutionContext(new RegionRegistry());
    ExecutionContext b = new ExecutionContext(new RegionRegistry());
    nic.deliver(0, FRAME, FRAME.length, 0, a);
    nic.deliver(0, FRAME, FRAME.length, 0, b);
    dirtyHeadroom(b.xdp(), 216);
    // a's own record says nothing was written since its delivery; b wrote in between.
    nic.deliver(0, FRAME, FRAME.length, 0, a);
    assertArrayEquals(new byte[PlainRxPath.HEADROOM], headroom(a.xdp()));
  }
}
