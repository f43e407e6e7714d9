package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.maps.RedirectMap;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.ebpf.vm.XdpBuff;

/**
 * Runs packets of one RX queue (on that queue's thread, as NAPI polls one queue per CPU): the NIC
 * delivers the frame into the queue's execution context, the program runs, the result is copied
 * into the packet's slot and counted. Allocates nothing unless a packet aborts.
 */
final class QueueRunner {
  static final int EINVAL = 22;
  static final long BPF_F_BROADCAST = 1L << 3;
  static final long BPF_F_EXCLUDE_INGRESS = 1L << 4;
  static final int ENOENT = 2;

  private final int queue;
  private final ExecutionContext ctx;
  private final MapRegistry maps;
  private final boolean keepMeta;
  private final java.util.function.IntPredicate devices;

  /** What this queue's frames did; only the thread running the queue writes it. */
  final QueueCounts counts = new QueueCounts();

  QueueRunner(
      int queue,
      ExecutionContext ctx,
      MapRegistry maps,
      boolean keepMeta,
      java.util.function.IntPredicate devices) {
    this.devices = devices;
    this.queue = queue;
    this.ctx = ctx;
    this.maps = maps;
    this.keepMeta = keepMeta;
  }

  ExecutionContext context() {
    return ctx;
  }

  /**
   * Receives and runs one frame into {@code s}: a frame steered into {@code parse} (the slot's own,
   * or the one the multi-queue replay unpacked on this queue's thread) whose bytes are {@code
   * src[off..off + s.inLength)} ({@link PacketSlot#in}, or the one-queue replay's frame straight
   * from a capture in memory; only read). The frame as the program left it is copied into {@link
   * PacketSlot#out} only for the actions whose bit is set in {@code keepOut} (those an output
   * writes; with {@code --trace} all of them): a dropped frame nobody records costs no copy.
   */
  void process(
      PacketSlot s, io.xdpemu.nic.RxParse parse, Attachment att, int keepOut, byte[] src, int off) {
    // Kept small (each rare outcome in a method of its own) so the JIT inlines it into the replay
    // loop.
    s.clearResult();
    io.xdpemu.nic.RxQueue rxq = att.nic().queue(queue);
    if (!FrameSetup.rx(ctx, rxq, src, off, s.inLength, s.timestampNs, parse)) {
      nicDropped(s);
      return;
    }
    s.ptype = parse.result().ptype;
    io.xdpemu.nic.firmware.Firmware fw = rxq.lastFirmware();
    if (s.firmware != fw) {
      s.firmware = fw; // changes only at a swap: a reference store costs G1 a fence
    }
    if (keepMeta) {
      keepMetaIn(s);
    }
    run(s, att);
    if (keepMeta) {
      keepMetaOut(s);
    }
    if ((keepOut & (1 << s.action)) != 0) {
      keepFrame(s);
    }
    if (s.action == XdpAction.REDIRECT) {
      s.rareSet = true;
      resolveRedirect(s);
    }
    counts.count(s);
  }

  /** Dropped by the NIC before XDP (no multi-buffer support): counted, not run. */
  private void nicDropped(PacketSlot s) {
    s.action = XdpAction.DROP;
    s.retval = XdpAction.DROP;
    s.ptype = -1;
    s.firmware = null;
    s.nicDropped = true;
    counts.count(s);
  }

  /** Runs the program on the frame the context holds; its action (or abort) into {@code s}. */
  private void run(PacketSlot s, Attachment att) {
    try {
      long retval = att.program().run(ctx) & 0xffffffffL;
      int action = XdpAction.of(retval);
      s.retval = retval;
      s.action = action;
      if (action == XdpAction.ABORTED) {
        aborted(s, retval);
      }
    } catch (TrapException t) {
      trapped(s, t);
    }
  }

  private static void aborted(PacketSlot s, long retval) {
    s.rareSet = true;
    s.abortReason =
        retval != XdpAction.ABORTED
            ? "invalid XDP action " + retval
            : "program returned XDP_ABORTED";
  }

  private static void trapped(PacketSlot s, TrapException t) {
    s.rareSet = true;
    s.retval = XdpAction.ABORTED;
    s.action = XdpAction.ABORTED;
    s.abortPc = t.pc();
    s.abortReason = t.getMessage();
  }

  /** The metadata block as the NIC wrote it (before the run). */
  private void keepMetaIn(PacketSlot s) {
    XdpBuff x = ctx.xdp();
    s.ensureMeta(x.metaLength());
    System.arraycopy(x.frame, x.meta, s.meta, 0, x.metaLength());
    s.metaLength = x.metaLength();
  }

  /** The metadata block as the program left it. */
  private void keepMetaOut(PacketSlot s) {
    XdpBuff x = ctx.xdp();
    s.ensureMetaOut(x.metaLength());
    System.arraycopy(x.frame, x.meta, s.metaOut, 0, x.metaLength());
    s.metaOutLength = x.metaLength();
  }

  /** The frame as the program left it, for an output that writes it. */
  private void keepFrame(PacketSlot s) {
    XdpBuff x = ctx.xdp();
    int len = x.end - x.data;
    s.ensureOut(len);
    System.arraycopy(x.frame, x.data, s.out, 0, len);
    s.outLength = len;
  }

  /** Where xdp_do_redirect() would send the frame (net/core/filter.c), from the helper's state. */
  private void resolveRedirect(PacketSlot s) {
    if (ctx.redirectMapHandle != 0) {
      BpfMap m = maps == null ? null : maps.byHandle(ctx.redirectMapHandle);
      s.redirectMap = m;
      s.redirectKey = ctx.redirectKey;
      if (!(m instanceof RedirectMap rm)) {
        s.redirectError = -EINVAL;
        return;
      }
      boolean dev = m.type() == MapType.DEVMAP || m.type() == MapType.DEVMAP_HASH;
      if (dev && (ctx.redirectFlags & BPF_F_BROADCAST) != 0) {
        broadcast(s, rm);
        return;
      }
      long t = rm.targetU32(ctx.redirectKey);
      switch (m.type()) {
        case MapType.DEVMAP, MapType.DEVMAP_HASH -> s.redirectKind = PacketSlot.TO_DEVMAP;
        case MapType.CPUMAP -> s.redirectKind = PacketSlot.TO_CPUMAP;
        default -> s.redirectKind = PacketSlot.TO_XSKMAP;
      }
      if (t < 0) {
        s.redirectError = -ENOENT; // the entry went away between the helper and the redirect
      } else {
        s.redirectTarget = m.type() == MapType.CPUMAP ? Integer.toUnsignedLong(ctx.redirectKey) : t;
      }
    } else if (ctx.redirectIfindex != 0) {
      s.redirectKind = PacketSlot.TO_IFINDEX;
      s.redirectTarget = Integer.toUnsignedLong(ctx.redirectIfindex);
      if (!devices.test(ctx.redirectIfindex)) {
        s.redirectError = -EINVAL; // no such device (not among the --fib interfaces)
      }
    } else {
      // XDP_REDIRECT without bpf_redirect*(): dev_get_by_index_rcu(net, 0) fails.
      s.redirectError = -EINVAL;
    }
  }

  /**
   * dev_map_enqueue_multi(): a copy to every device in the map, skipping the ingress device with
   * BPF_F_EXCLUDE_INGRESS. (The key list is built per broadcast packet; only this path allocates.)
   */
  private void broadcast(PacketSlot s, RedirectMap rm) {
    s.redirectKind = PacketSlot.TO_DEVMAP;
    boolean exclude = (ctx.redirectFlags & BPF_F_EXCLUDE_INGRESS) != 0;
    for (int key : rm.presentKeys()) {
      long ifindex = rm.targetU32(key);
      if (ifindex < 0 || (exclude && ifindex == ctx.xdp().ingressIfindex)) {
        continue;
      }
      if (s.broadcastCount == s.broadcast.length) {
        s.broadcast = java.util.Arrays.copyOf(s.broadcast, s.broadcastCount * 2);
      }
      s.broadcast[s.broadcastCount++] = ifindex;
    }
    s.redirectTarget = -1;
  }
}
