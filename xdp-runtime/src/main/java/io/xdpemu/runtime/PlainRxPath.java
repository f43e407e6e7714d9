package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RxMetadataSource;
import io.xdpemu.ebpf.vm.XdpBuff;

/**
 * A NIC without firmware: no RX metadata ({@code data_meta == data}), 256 bytes of headroom
 * (XDP_PACKET_HEADROOM), a 4 KiB frame with the kernel's skb_shared_info tailroom (larger frames
 * are dropped before XDP, counted as NIC drops), and RSS by Toeplitz over the IPv4/IPv6 addresses
 * and TCP/UDP ports with the Microsoft verification key and the kernel's default indirection table
 * ({@code ethtool_rxfh_indir_default}: entry i = i % queues). Used when no {@code --firmware} is
 * given and as the reference the firmware NIC is compared with.
 */
public final class PlainRxPath implements RxPath {
  public static final int HEADROOM = 256;

  /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64. */
  public static final int TAILROOM = 320;

  public static final int FRAME_SIZE = 4096;

  static final byte[] MS_KEY = {
    0x6d,
    0x5a,
    0x56,
    (byte) 0xda,
    0x25,
    0x5b,
    0x0e,
    (byte) 0xc2,
    0x41,
    0x67,
    0x25,
    0x3d,
    0x43,
    (byte) 0xa3,
    (byte) 0x8f,
    (byte) 0xb0,
    (byte) 0xd0,
    (byte) 0xca,
    0x2b,
    (byte) 0xcb,
    (byte) 0xae,
    0x7b,
    0x30,
    (byte) 0xb4,
    0x77,
    (byte) 0xcb,
    0x2d,
    (byte) 0xa3,
    (byte) 0x80,
    0x30,
    (byte) 0xf2,
    0x0c,
    0x6a,
    0x42,
    (byte) 0xb7,
    0x3b,
    (byte) 0xbe,
    (byte) 0xac,
    0x01,
    (byte) 0xfa
  };

  private static final int RETA_SIZE = 128;

  private final int queues;
  private final int ifindex;
  private final byte[][] frames;

  /** The xdp_buff each queue's frame was last delivered into (see deliver). */
  private final XdpBuff[] lastUser;

  private final byte[] tuple = new byte[36];

  public PlainRxPath(int queues, int ifindex) {
    this.queues = queues;
    this.ifindex = ifindex;
    this.frames = new byte[queues][FRAME_SIZE];
    this.lastUser = new XdpBuff[queues];
  }

  @Override
  public int queues() {
    return queues;
  }

  @Override
  public int ifindex() {
    return ifindex;
  }

  @Override
  public String describe() {
    return "plain NIC (no firmware, no metadata)";
  }

  @Override
  public int steer(byte[] f, int len) {
    if (queues == 1) {
      return 0;
    }
    int n = tuple(f, len);
    if (n == 0) {
      return 0;
    }
    int hash = toeplitz(MS_KEY, tuple, n);
    return ((hash & (RETA_SIZE - 1)) % queues);
  }

  /** Builds the RSS input (src addr, dst addr, src port, dst port) like the MS RSS spec. */
  private int tuple(byte[] f, int len) {
    int off = 12;
    if (len < off + 2) {
      return 0;
    }
    int type = ((f[off] & 0xff) << 8) | (f[off + 1] & 0xff);
    off += 2;
    while ((type == 0x8100 || type == 0x88a8) && len >= off + 4) {
      type = ((f[off + 2] & 0xff) << 8) | (f[off + 3] & 0xff);
      off += 4;
    }
    int n;
    int proto;
    int l4;
    if (type == 0x0800 && len >= off + 20) {
      System.arraycopy(f, off + 12, tuple, 0, 8);
      n = 8;
      proto = f[off + 9] & 0xff;
      boolean fragment = (((f[off + 6] & 0x3f) << 8) | (f[off + 7] & 0xff)) != 0;
      l4 = fragment ? -1 : off + (f[off] & 0xf) * 4;
    } else if (type == 0x86dd && len >= off + 40) {
      System.arraycopy(f, off + 8, tuple, 0, 32);
      n = 32;
      proto = f[off + 6] & 0xff;
      l4 = off + 40;
    } else {
      return 0;
    }
    if ((proto == 6 || proto == 17) && l4 > 0 && len >= l4 + 4) {
      System.arraycopy(f, l4, tuple, n, 4);
      n += 4;
    }
    return n;
  }

  /** Bitwise Toeplitz hash (Microsoft RSS specification). */
  static int toeplitz(byte[] key, byte[] input, int n) {
    int result = 0;
    long window =
        ((key[0] & 0xffL) << 24)
            | ((key[1] & 0xffL) << 16)
            | ((key[2] & 0xffL) << 8)
            | (key[3] & 0xffL);
    int next = 4;
    for (int i = 0; i < n; i++) {
      int b = input[i] & 0xff;
      int k = next < key.length ? key[next] & 0xff : 0;
      next++;
      for (int bit = 7; bit >= 0; bit--) {
        if ((b & (1 << bit)) != 0) {
          result ^= (int) window;
        }
        window = ((window << 1) | ((k >> bit) & 1)) & 0xffffffffL;
      }
    }
    return result;
  }

  @Override
  public boolean deliver(int queue, byte[] frame, int length, long ts, ExecutionContext ctx) {
    if (length > FRAME_SIZE - HEADROOM - TAILROOM) {
      return false; // no multi-buffer XDP: a frame must fit one page, as with the firmware NIC
    }
    byte[] buf = frames[queue];
    XdpBuff x = ctx.xdp();
    // The headroom is scratch space programs may grow into (adjust_head/meta): a previous packet's
    // bytes must never leak into this one (the output must not depend on which packets shared a
    // queue). Only [lowest, HEADROOM) can have been written since the last clear, where lowest is
    // the lowest data_meta the previous run on this buffer reached; when another context (or
    // none yet) used the buffer last, clear all of it.
    int from = lastUser[queue] == x && x.frame == buf ? Math.max(0, x.lowest) : 0;
    if (from < HEADROOM) {
      java.util.Arrays.fill(buf, from, HEADROOM, (byte) 0);
    }
    lastUser[queue] = x;
    System.arraycopy(frame, 0, buf, HEADROOM, length);
    x.set(buf, 0, HEADROOM, HEADROOM, HEADROOM + length, FRAME_SIZE - TAILROOM);
    x.ingressIfindex = ifindex;
    x.rxQueueIndex = queue;
    x.egressIfindex = 0;
    ctx.rxMetadata = RxMetadataSource.NONE;
    return true;
  }
}
