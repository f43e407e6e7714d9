package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.Arrays;

/**
 * The conntrack kfuncs of net/netfilter/nf_conntrack_bpf.c on a small simulated connection table
 * (the host's conntrack is never touched): {@value #ENTRIES} entries, each a {@code struct nf_conn}
 * laid out as the kernel's BTF says (programs read {@code status} and write {@code mark} at the
 * CO-RE-relocated offsets), in one region created at load time. It starts empty, as a fresh network
 * namespace's table does.
 *
 * <ul>
 *   <li>{@code bpf_xdp_ct_lookup}: the inserted entry whose tuple equals the given one in either
 *       direction, else NULL with {@code opts->error = -ENOENT}
 *   <li>{@code bpf_xdp_ct_alloc}: a new, not yet inserted entry (NULL and {@code -ENOMEM} when the
 *       table is full)
 *   <li>{@code bpf_ct_insert_entry}: inserts it, sets IPS_CONFIRMED; NULL when the tuple is already
 *       there (the kernel's -EEXIST), and the allocation is freed
 *   <li>{@code bpf_ct_set_timeout / change_timeout}: stored (entries do not expire in xdpemu)
 *   <li>{@code bpf_ct_set_status / change_status}: the status word, IPS_CONFIRMED kept
 *   <li>{@code bpf_ct_release}: nothing to drop (entries are not reference counted here)
 *   <li>{@code bpf_ct_set_nat_info}: accepted and ignored (there is no NAT in xdpemu): returns 0
 * </ul>
 *
 * Argument errors follow __bpf_nf_ct_lookup(): no tuple or opts, or {@code opts__sz} other than 12
 * or 16: NULL without touching opts; a tuple size other than the IPv4 (12) or IPv6 (36) one, a
 * netns other than the current (-1), or a protocol other than TCP/UDP: {@code -EINVAL}.
 */
final class Conntrack {
  static final int ENTRIES = 64;
  private static final int ENTRY_SIZE = 256;
  private static final long IPS_CONFIRMED = 1 << 3;
  private static final int TUPLE_V4 = 12;
  private static final int TUPLE_V6 = 36;

  private final Region region;
  private final int regionId;
  private final int statusOff;
  private final int timeoutOff;
  private final byte[][] tuples = new byte[ENTRIES][];
  private final boolean[] used = new boolean[ENTRIES];
  private final boolean[] inserted = new boolean[ENTRIES];

  private Conntrack(RegionRegistry regions, Btf kernel) {
    int sid = kernel.find("nf_conn", BtfKind.STRUCT);
    statusOff = (int) kernel.findMember(sid, "status").byteOffset();
    timeoutOff = (int) kernel.findMember(sid, "timeout").byteOffset();
    region = new Region("conntrack", Region.Kind.OTHER, new byte[ENTRIES * ENTRY_SIZE]);
    regionId = regions.register(region);
  }

  /** Registers the kfuncs when the kernel's BTF declares struct nf_conn. */
  static void register(HelperRegistry reg, RegionRegistry regions) {
    Btf kernel = BaseBtf.load(null);
    int sid = kernel.find("nf_conn", BtfKind.STRUCT);
    if (sid < 0 || kernel.findMember(sid, "status") == null) {
      return;
    }
    Conntrack ct = new Conntrack(regions, kernel);
    reg.registerKfunc("bpf_xdp_ct_lookup", (c, r1, r2, r3, r4, r5) -> ct.lookup(c, r2, r3, r4, r5));
    reg.registerKfunc("bpf_xdp_ct_alloc", (c, r1, r2, r3, r4, r5) -> ct.alloc(c, r2, r3, r4, r5));
    reg.registerKfunc("bpf_ct_insert_entry", (c, r1, r2, r3, r4, r5) -> ct.insert(r1));
    reg.registerKfunc("bpf_ct_release", (c, r1, r2, r3, r4, r5) -> 0);
    reg.registerKfunc(
        "bpf_ct_set_timeout", (c, r1, r2, r3, r4, r5) -> ct.put32(r1, ct.timeoutOff, r2));
    reg.registerKfunc(
        "bpf_ct_change_timeout", (c, r1, r2, r3, r4, r5) -> ct.put32(r1, ct.timeoutOff, r2));
    reg.registerKfunc("bpf_ct_set_status", (c, r1, r2, r3, r4, r5) -> ct.status(r1, r2));
    reg.registerKfunc("bpf_ct_change_status", (c, r1, r2, r3, r4, r5) -> ct.status(r1, r2));
    reg.registerKfunc("bpf_ct_set_nat_info", (c, r1, r2, r3, r4, r5) -> 0);
  }

  /** The tuple and protocol, or null after setting opts->error; opts problems: null too. */
  private byte[] key(ExecutionContext c, long tuple, long tsz, long opts, long osz) {
    if (tuple == 0 || opts == 0 || (osz != 12 && osz != 16)) {
      return null;
    }
    int netns = (int) HelperMemory.readU32(c, opts);
    int proto = HelperMemory.read(c, opts + 8, 1)[0] & 0xff;
    if ((tsz != TUPLE_V4 && tsz != TUPLE_V6) || netns != -1 || (proto != 6 && proto != 17)) {
      HelperMemory.writeU32(c, opts + 4, -Errno.EINVAL);
      return null;
    }
    byte[] t = HelperMemory.read(c, tuple, (int) tsz);
    byte[] k = Arrays.copyOf(t, t.length + 1);
    k[t.length] = (byte) proto;
    return k;
  }

  /** The tuple seen from the other end: addresses and ports swapped. */
  private static byte[] reversed(byte[] k) {
    int a = (k.length - 1 - 4) / 2; // address length: 4 (IPv4) or 16 (IPv6)
    byte[] r = k.clone();
    System.arraycopy(k, 0, r, a, a);
    System.arraycopy(k, a, r, 0, a);
    System.arraycopy(k, 2 * a, r, 2 * a + 2, 2);
    System.arraycopy(k, 2 * a + 2, r, 2 * a, 2);
    return r;
  }

  private synchronized long lookup(ExecutionContext c, long tuple, long tsz, long opts, long osz) {
    byte[] k = key(c, tuple, tsz, opts, osz);
    if (k == null) {
      return 0;
    }
    byte[] rev = reversed(k);
    for (int i = 0; i < ENTRIES; i++) {
      if (inserted[i] && (Arrays.equals(tuples[i], k) || Arrays.equals(tuples[i], rev))) {
        return pointer(i);
      }
    }
    HelperMemory.writeU32(c, opts + 4, -Errno.ENOENT);
    return 0;
  }

  private synchronized long alloc(ExecutionContext c, long tuple, long tsz, long opts, long osz) {
    byte[] k = key(c, tuple, tsz, opts, osz);
    if (k == null) {
      return 0;
    }
    for (int i = 0; i < ENTRIES; i++) {
      if (!used[i]) {
        used[i] = true;
        tuples[i] = k;
        Arrays.fill(region.bytes(), i * ENTRY_SIZE, (i + 1) * ENTRY_SIZE, (byte) 0);
        return pointer(i);
      }
    }
    HelperMemory.writeU32(c, opts + 4, -Errno.ENOMEM);
    return 0;
  }

  private synchronized long insert(long ptr) {
    int i = entry(ptr);
    byte[] rev = reversed(tuples[i]);
    for (int j = 0; j < ENTRIES; j++) {
      if (inserted[j] && (Arrays.equals(tuples[j], tuples[i]) || Arrays.equals(tuples[j], rev))) {
        used[i] = false; // -EEXIST: the kernel frees the allocation
        return 0;
      }
    }
    inserted[i] = true;
    long status = getLong(i * ENTRY_SIZE + statusOff);
    putLong(i * ENTRY_SIZE + statusOff, status | IPS_CONFIRMED);
    return ptr;
  }

  private synchronized long status(long ptr, long status) {
    int i = entry(ptr);
    long keep = getLong(i * ENTRY_SIZE + statusOff) & IPS_CONFIRMED;
    putLong(i * ENTRY_SIZE + statusOff, (status & 0xffffffffL) | keep);
    return 0;
  }

  private synchronized long put32(long ptr, int off, long v) {
    int at = entry(ptr) * ENTRY_SIZE + off;
    for (int b = 0; b < 4; b++) {
      region.bytes()[at + b] = (byte) (v >>> (8 * b));
    }
    return 0;
  }

  private long pointer(int i) {
    return AddressSpace.pointer(regionId, i * ENTRY_SIZE);
  }

  /** The entry an nf_conn pointer the verifier let through names. */
  private int entry(long ptr) {
    return (int) (ptr & 0xffffffffL) / ENTRY_SIZE;
  }

  private long getLong(int at) {
    long v = 0;
    for (int b = 7; b >= 0; b--) {
      v = v << 8 | (region.bytes()[at + b] & 0xff);
    }
    return v;
  }

  private void putLong(int at, long v) {
    for (int b = 0; b < 8; b++) {
      region.bytes()[at + b] = (byte) (v >>> (8 * b));
    }
  }
}
