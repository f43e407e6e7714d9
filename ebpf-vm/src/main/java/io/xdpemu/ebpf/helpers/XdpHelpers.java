package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.maps.PerfEventArrayMap;
import io.xdpemu.ebpf.maps.RedirectMap;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.ebpf.vm.XdpBuff;

/**
 * The XDP helpers of net/core/filter.c on the frame in {@link ExecutionContext#xdp()}.
 *
 * <pre>
 *  hardStart  +40 (struct xdp_frame)        data               end            frameEnd
 *     | xdp_frame |   headroom  | metadata  |      packet       |   tailroom    | (skb_shared_info)
 *     +-----------+-------------+-----------+-------------------+---------------+
 *                               meta                                            = data_hard_end
 * </pre>
 *
 * {@link XdpBuff#frameEnd} is the kernel's xdp_data_hard_end(): {@code data_hard_start + frame_sz -
 * SKB_DATA_ALIGN(sizeof(struct skb_shared_info))}, i.e. the end of the tailroom a program may grow
 * into (BPF_PROG_TEST_RUN: 4096 - 320 = 3776 with 256 bytes of headroom; a driver with 4096-byte
 * frames: hardStart + 3776). Metadata is always supported (the emulated NIC implements it), so
 * xdp_data_meta_unsupported() never holds.
 */
final class XdpHelpers {
  static final int XDP_FRAME_SIZE = XdpBuff.XDP_FRAME_SIZE;
  static final int ETH_HLEN = 14;

  /** type_max(skb_shared_info.meta_len), a __u8: xdp_metalen_invalid()'s upper bound. */
  static final int META_MAX = 255;

  static final int XDP_ABORTED = 0;
  static final int XDP_REDIRECT = 4;
  static final long BPF_F_BROADCAST = 1L << 3;
  static final long BPF_F_EXCLUDE_INGRESS = 1L << 4;
  static final long ACTION_MASK = 3;
  static final long BPF_F_INDEX_MASK = 0xffffffffL;
  static final long BPF_F_CTXLEN_MASK = 0xfffffL << 32;

  private XdpHelpers() {}

  static void register(HelperRegistry reg, HelperEnvironment env) {
    reg.register(
        HelperIds.XDP_ADJUST_HEAD,
        "bpf_xdp_adjust_head",
        (ctx, r1, r2, r3, r4, r5) -> adjustHead(xdp(ctx, r1), ctx, (int) r2));
    reg.register(
        HelperIds.XDP_ADJUST_META,
        "bpf_xdp_adjust_meta",
        (ctx, r1, r2, r3, r4, r5) -> adjustMeta(xdp(ctx, r1), ctx, (int) r2));
    reg.register(
        HelperIds.XDP_ADJUST_TAIL,
        "bpf_xdp_adjust_tail",
        (ctx, r1, r2, r3, r4, r5) -> adjustTail(xdp(ctx, r1), ctx, (int) r2));
    reg.register(
        HelperIds.XDP_GET_BUFF_LEN,
        "bpf_xdp_get_buff_len",
        (ctx, r1, r2, r3, r4, r5) -> xdp(ctx, r1).length());
    reg.register(
        HelperIds.XDP_LOAD_BYTES,
        "bpf_xdp_load_bytes",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpBuff x = xdp(ctx, r1);
          long rc = checkRange(x, r2, r4);
          if (rc != 0) {
            return rc;
          }
          HelperMemory.write(ctx, r3, x.frame, x.data + (int) r2, (int) r4);
          return 0;
        });
    reg.register(
        HelperIds.XDP_STORE_BYTES,
        "bpf_xdp_store_bytes",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpBuff x = xdp(ctx, r1);
          long rc = checkRange(x, r2, r4);
          if (rc != 0) {
            return rc;
          }
          // In place: straight from the program's buffer into the frame (no copy between).
          byte[] src = HelperMemory.bytesOf(ctx, r3, (int) r4, false);
          System.arraycopy(src, AddressSpace.offset(r3), x.frame, x.data + (int) r2, (int) r4);
          return 0;
        });
    reg.register(
        HelperIds.REDIRECT, "bpf_redirect", (ctx, r1, r2, r3, r4, r5) -> redirect(ctx, r1, r2));
    reg.register(
        HelperIds.REDIRECT_MAP,
        "bpf_redirect_map",
        (ctx, r1, r2, r3, r4, r5) -> redirectMap(env, ctx, r1, r2, r3));
    reg.register(
        HelperIds.CHECK_MTU,
        "bpf_check_mtu",
        (ctx, r1, r2, r3, r4, r5) -> checkMtu(env, ctx, r1, r2, r3, r4, r5));
    reg.register(
        HelperIds.PERF_EVENT_OUTPUT,
        "bpf_perf_event_output",
        (ctx, r1, r2, r3, r4, r5) -> perfEventOutput(env, ctx, r1, r2, r3, r4, r5));
  }

  static XdpBuff xdp(ExecutionContext ctx, long ctxPointer) {
    if (ctxPointer != ExecutionContext.contextPointer()) {
      throw new TrapException(
          ctx.pc, String.format("XDP helper called with 0x%x, not the xdp_md context", ctxPointer));
    }
    return ctx.xdp();
  }

  /** bpf_xdp_adjust_head(): data may move down to xdp_frame + metadata, up to end - ETH_HLEN. */
  static long adjustHead(XdpBuff x, ExecutionContext ctx, int offset) {
    int metalen = x.data - x.meta;
    long dataStart = (long) x.hardStart + XDP_FRAME_SIZE + metalen;
    long newData = (long) x.data + offset;
    if (newData < dataStart || newData > (long) x.end - ETH_HLEN) {
      return -Errno.EINVAL;
    }
    if (metalen > 0) {
      System.arraycopy(x.frame, x.meta, x.frame, x.meta + offset, metalen);
    }
    x.meta += offset;
    x.data = (int) newData;
    x.lowest = Math.min(x.lowest, x.meta);
    ctx.syncPacket();
    return 0;
  }

  /** bpf_xdp_adjust_meta(): metadata between xdp_frame and data, a multiple of 4, at most 255. */
  static long adjustMeta(XdpBuff x, ExecutionContext ctx, int offset) {
    long newMeta = (long) x.meta + offset;
    long metalen = x.data - newMeta;
    if (newMeta < (long) x.hardStart + XDP_FRAME_SIZE || newMeta > x.data) {
      return -Errno.EINVAL;
    }
    if ((metalen & 3) != 0 || metalen > META_MAX) {
      return -Errno.EACCES;
    }
    x.meta = (int) newMeta;
    x.lowest = Math.min(x.lowest, x.meta);
    ctx.syncPacket();
    return 0;
  }

  /** bpf_xdp_adjust_tail(): the end stays within [data + ETH_HLEN, hard end]; growth is zeroed. */
  static long adjustTail(XdpBuff x, ExecutionContext ctx, int offset) {
    long hardEnd = Math.min(x.frameEnd, x.frame.length);
    long newEnd = (long) x.end + offset;
    if (newEnd > hardEnd || newEnd < (long) x.data + ETH_HLEN) {
      return -Errno.EINVAL;
    }
    if (offset > 0) {
      java.util.Arrays.fill(x.frame, x.end, (int) newEnd, (byte) 0);
    }
    x.end = (int) newEnd;
    ctx.syncPacket();
    return 0;
  }

  /**
   * bpf_xdp_pointer()'s checks: offset and len at most 0xffff (-EFAULT), in the frame (-EINVAL).
   */
  private static long checkRange(XdpBuff x, long offset, long len) {
    if (Long.compareUnsigned(offset & 0xffffffffL, 0xffff) > 0
        || Long.compareUnsigned(len & 0xffffffffL, 0xffff) > 0) {
      return -Errno.EFAULT;
    }
    if ((offset & 0xffffffffL) + (len & 0xffffffffL) > x.length()) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  /** bpf_xdp_redirect(): any flag is XDP_ABORTED; otherwise remembers the ifindex. */
  static long redirect(ExecutionContext ctx, long ifindex, long flags) {
    if (flags != 0) {
      return XDP_ABORTED;
    }
    ctx.redirectIfindex = (int) ifindex;
    ctx.redirectMapHandle = 0;
    ctx.redirectKey = 0;
    ctx.redirectFlags = 0;
    return XDP_REDIRECT;
  }

  /**
   * __bpf_xdp_redirect_map(): flags outside the action bits (and, for devmaps, BPF_F_BROADCAST |
   * BPF_F_EXCLUDE_INGRESS) abort; a missing key returns the low two bits of flags as the action. On
   * success the context records the map, key and (for broadcast) flags; for a devmap entry it also
   * records the target ifindex, as ri->tgt_value holds the device.
   */
  static long redirectMap(
      HelperEnvironment env, ExecutionContext ctx, long map, long key, long flags) {
    BpfMap m = env.map(ctx, map);
    int type = m.type();
    boolean dev = type == MapType.DEVMAP || type == MapType.DEVMAP_HASH;
    if (!(m instanceof RedirectMap rm)) {
      throw new TrapException(ctx.pc, "bpf_redirect_map on " + m + ", not a devmap/cpumap/xskmap");
    }
    long allowed = ACTION_MASK | (dev ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
    if ((flags & ~allowed) != 0) {
      return XDP_ABORTED;
    }
    int k = (int) key;
    boolean broadcast = (flags & BPF_F_BROADCAST) != 0;
    byte[] target = rm.target(k);
    if (target == null && !broadcast) {
      ctx.redirectMapHandle = 0;
      return flags & ACTION_MASK;
    }
    ctx.redirectMapHandle = m.handle();
    ctx.redirectKey = k;
    ctx.redirectFlags = broadcast ? flags : 0;
    if (dev && target != null) {
      ctx.redirectIfindex = (int) rm.targetU32(k);
    }
    return XDP_REDIRECT;
  }

  /**
   * bpf_xdp_check_mtu(): flags must be 0; ifindex 0 is the ingress device. With {@code *mtu_len}
   * non-zero it is the L3 length to check, else the frame length; FRAG_NEEDED (1) when it plus
   * len_diff exceeds MTU + hard_header_len. {@code *mtu_len} receives the device MTU.
   */
  static long checkMtu(
      HelperEnvironment env,
      ExecutionContext ctx,
      long ctxp,
      long ifindex,
      long mtuLenPtr,
      long lenDiff,
      long flags) {
    XdpBuff x = xdp(ctx, ctxp);
    if (flags != 0) {
      return -Errno.EINVAL;
    }
    int idx = ifindex == 0 ? x.ingressIfindex : (int) ifindex;
    Fib.Interface dev = env.fib().byIfindex(idx);
    if (dev == null) {
      return -Errno.ENODEV;
    }
    int mtu = dev.mtu();
    int devLen = mtu + ETH_HLEN;
    long mtuLen = HelperMemory.readU32(ctx, mtuLenPtr);
    long len = mtuLen != 0 ? mtuLen + ETH_HLEN : x.length();
    len += (int) lenDiff;
    HelperMemory.writeU32(ctx, mtuLenPtr, mtu);
    return len > devLen ? 1 : 0;
  }

  /**
   * bpf_xdp_event_output(): flags = index (low 32 bits, 0xffffffff = this CPU) | ctx bytes to
   * append (bits 32..51); the sample is {@code size} bytes of data followed by that many packet
   * bytes. Other flag bits -EINVAL; more packet bytes than the frame has -EFAULT.
   */
  static long perfEventOutput(
      HelperEnvironment env,
      ExecutionContext ctx,
      long ctxp,
      long map,
      long flags,
      long data,
      long size) {
    XdpBuff x = xdp(ctx, ctxp);
    BpfMap m = env.map(ctx, map);
    if (!(m instanceof PerfEventArrayMap pm)) {
      throw new TrapException(ctx.pc, "bpf_perf_event_output on " + m + ", not a perf_event_array");
    }
    if ((flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)) != 0) {
      return -Errno.EINVAL;
    }
    int ctxLen = (int) ((flags & BPF_F_CTXLEN_MASK) >>> 32);
    if (ctxLen > x.length()) {
      return -Errno.EFAULT;
    }
    int n = HelperMemory.size(ctx, size, "perf_event_output size");
    byte[] meta = HelperMemory.read(ctx, data, n);
    byte[] sample = java.util.Arrays.copyOf(meta, n + ctxLen);
    System.arraycopy(x.frame, x.data, sample, n, ctxLen);
    return pm.output(ctx.cpu, flags & BPF_F_INDEX_MASK, sample);
  }
}
