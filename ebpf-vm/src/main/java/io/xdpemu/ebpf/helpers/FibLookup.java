package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.vm.ExecutionContext;

/**
 * bpf_fib_lookup for XDP (bpf_xdp_fib_lookup, bpf_ipv4_fib_lookup / bpf_ipv6_fib_lookup in
 * net/core/filter.c) over the simulated {@link Fib}, reading and writing {@code struct
 * bpf_fib_lookup} in program memory:
 *
 * <pre>
 *  0 family  1 l4_protocol  2 sport  4 dport  6 tot_len / mtu_result (u16)
 *  8 ifindex (u32)          12 tos / flowinfo / rt_metric (u32)
 * 16 ipv4_src / ipv6_src[4] 32 ipv4_dst / ipv6_dst[4]
 * 48 h_vlan_proto, h_vlan_TCI / tbid     52 smac[6]  58 dmac[6]     (64 bytes)
 * </pre>
 *
 * Results: 0 SUCCESS, 1 BLACKHOLE, 2 UNREACHABLE, 3 PROHIBIT, 4 NOT_FWDED, 5 FWD_DISABLED, 7
 * NO_NEIGH, 8 FRAG_NEEDED (mtu_result set), 9 NO_SRC_ADDR; -EINVAL for a short plen or unknown
 * flags, -ENODEV for an unknown ifindex, -EAFNOSUPPORT (-97) for another family. On success the
 * lookup writes ifindex (egress), rt_metric, the gateway (as the new destination, when there is
 * one), smac/dmac, mtu_result, and clears the VLAN fields.
 */
final class FibLookup {
  static final int SIZE = 64;
  static final long FLAGS_ALLOWED = 0x3f; // DIRECT, OUTPUT, SKIP_NEIGH, TBID, SRC, MARK
  static final long BPF_FIB_LOOKUP_SKIP_NEIGH = 1 << 2;
  static final long BPF_FIB_LOOKUP_SRC = 1 << 4;
  static final int EAFNOSUPPORT = 97;

  private FibLookup() {}

  static long lookup(Fib fib, ExecutionContext ctx, long params, long plen, long flags) {
    if (plen < SIZE) {
      return -Errno.EINVAL;
    }
    if ((flags & ~FLAGS_ALLOWED) != 0) {
      return -Errno.EINVAL;
    }
    byte[] p = HelperMemory.read(ctx, params, SIZE);
    int family = p[0] & 0xff;
    int alen;
    if (family == Fib.AF_INET) {
      alen = 4;
    } else if (family == Fib.AF_INET6) {
      alen = 16;
    } else {
      return -EAFNOSUPPORT;
    }
    int ifindex = le32(p, 8);
    Fib.Interface in = fib.byIfindex(ifindex);
    if (in == null) {
      return -Errno.ENODEV;
    }
    if (!in.forwarding()) {
      return 5;
    }
    byte[] dst = java.util.Arrays.copyOfRange(p, 32, 32 + alen);
    Fib.Route r = fib.route(dst);
    if (r == null) {
      return 4;
    }
    switch (r.type()) {
      case BLACKHOLE:
        return 1;
      case UNREACHABLE:
        return 2;
      case PROHIBIT:
        return 3;
      default:
        break;
    }
    Fib.Interface out = fib.byIfindex(r.ifindex());
    if (out == null) {
      return 4;
    }
    int totLen = (p[6] & 0xff) | (p[7] & 0xff) << 8;
    if (totLen > out.mtu()) {
      putLe16(p, 6, out.mtu());
      HelperMemory.write(ctx, params, p);
      return 8;
    }
    putLe32(p, 8, out.ifindex());
    putLe32(p, 12, r.metric());
    if ((flags & BPF_FIB_LOOKUP_SRC) != 0) {
      byte[] src = fib.sourceAddress(out.ifindex(), family);
      if (src == null) {
        return 9;
      }
      System.arraycopy(src, 0, p, 16, alen);
    }
    byte[] nextHop = r.gateway() != null ? r.gateway() : dst;
    System.arraycopy(nextHop, 0, p, 32, alen);
    if ((flags & BPF_FIB_LOOKUP_SKIP_NEIGH) == 0) {
      Fib.Neighbour n = fib.neighbour(out.ifindex(), nextHop);
      if (n == null) {
        HelperMemory.write(ctx, params, p);
        return 7;
      }
      System.arraycopy(n.mac(), 0, p, 58, 6);
      System.arraycopy(out.mac(), 0, p, 52, 6);
    }
    putLe32(p, 48, 0); // h_vlan_proto, h_vlan_TCI
    putLe16(p, 6, out.mtu());
    HelperMemory.write(ctx, params, p);
    return 0;
  }

  private static int le32(byte[] b, int o) {
    return (b[o] & 0xff)
        | (b[o + 1] & 0xff) << 8
        | (b[o + 2] & 0xff) << 16
        | (b[o + 3] & 0xff) << 24;
  }

  private static void putLe32(byte[] b, int o, int v) {
    b[o] = (byte) v;
    b[o + 1] = (byte) (v >>> 8);
    b[o + 2] = (byte) (v >>> 16);
    b[o + 3] = (byte) (v >>> 24);
  }

  private static void putLe16(byte[] b, int o, int v) {
    b[o] = (byte) v;
    b[o + 1] = (byte) (v >>> 8);
  }
}
