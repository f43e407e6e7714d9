package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RxMetadataSource;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.RxParse;
import io.xdpemu.nic.RxQueue;

/**
 * The one place a program's per-frame context is set up: run state, clock, CPU, the xdp_buff with
 * its frame geometry ({@link XdpBuff#XDP_PACKET_HEADROOM} etc.), the packet region and the source
 * the XDP metadata kfuncs answer from. {@code run} (the replay's queue runner), {@code test-run},
 * {@code diff} (through test-run sessions) and the benchmarks all come through here.
 *
 * <pre>
 *   rx:       ctx.resetRun, clock = capture timestamp ──► RxQueue.receive: frame buffer, descriptor,
 *             metadata, xdp_buff, packet region, cpu = queue, kfunc source = the queue
 *   testRun:  the frame BPF_PROG_TEST_RUN builds: ifindex 1 (lo), queue 0, cpu 0, no kfunc answers
 * </pre>
 */
public final class FrameSetup {
  private FrameSetup() {}

  /**
   * A frame the NIC received on {@code queue}, at {@code frame[off..off + length)} (only read),
   * steered into {@code parse} (or not yet: then the queue classifies it). Returns false, with the
   * context untouched but for its run state, when the NIC dropped the frame before XDP (larger than
   * a frame buffer).
   */
  public static boolean rx(
      ExecutionContext ctx,
      RxQueue queue,
      byte[] frame,
      int off,
      int length,
      long tsNs,
      RxParse parse) {
    ctx.resetRun();
    ctx.clockNs = tsNs;
    return queue.receive(frame, off, length, tsNs, parse, ctx);
  }

  /** {@link #rx} for a frame nobody steered (benchmarks and tools that feed one queue). */
  public static boolean rx(ExecutionContext ctx, RxQueue queue, byte[] frame, long tsNs) {
    ctx.resetRun();
    ctx.clockNs = tsNs;
    return queue.receive(frame, 0, frame.length, tsNs, ctx);
  }

  /**
   * The frame of bpf_prog_test_run_xdp (net/bpf/test_run.c): {@code meta} right before {@code data}
   * at the headroom of a fresh page, ingress on the loopback device (ifindex 1), rx queue 0, CPU 0.
   * The caller checked the sizes ({@link TestRun#check}).
   */
  public static void testRun(ExecutionContext ctx, byte[] meta, byte[] data) {
    byte[] frame = new byte[XdpBuff.PAGE_SIZE];
    int d = XdpBuff.XDP_PACKET_HEADROOM;
    System.arraycopy(meta, 0, frame, d - meta.length, meta.length);
    System.arraycopy(data, 0, frame, d, data.length);
    XdpBuff x = ctx.xdp();
    x.set(
        frame,
        0,
        d - meta.length,
        d,
        d + data.length,
        XdpBuff.PAGE_SIZE - XdpBuff.SKB_SHARED_INFO_SIZE);
    x.ingressIfindex = 1;
    x.rxQueueIndex = 0;
    x.egressIfindex = 0;
    ctx.cpu = 0;
    ctx.rxMetadata = RxMetadataSource.NONE;
    ctx.syncPacket();
  }
}
