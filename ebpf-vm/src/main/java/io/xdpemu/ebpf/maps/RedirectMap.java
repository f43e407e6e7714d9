package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The maps {@code bpf_redirect_map} targets: DEVMAP and DEVMAP_HASH (kernel/bpf/devmap.c, value
 * {@code struct bpf_devmap_val { __u32 ifindex; union { int fd; __u32 id; } bpf_prog; }} or a bare
 * ifindex), CPUMAP (kernel/bpf/cpumap.c, {@code struct bpf_cpumap_val { __u32 qsize; ... }} or a
 * bare qsize) and XSKMAP (net/xdp/xskmap.c, an AF_XDP socket; here the 4-byte value the host
 * stored, since xdpemu has no sockets: the runtime treats it as the socket's identity).
 *
 * <p>Values live in read-only regions (the kernel creates these maps with BPF_F_RDONLY_PROG), so a
 * program's lookup returns a pointer it may read but not write. Programs cannot update these maps
 * (the verifier forbids it); the host's updates follow each map's own update function:
 *
 * <pre>
 *               flags>EXIST  key>=max   NOEXIST   EXIST,absent  value 0        delete absent
 *  devmap       -EINVAL      -E2BIG     -EEXIST   ok            clears slot    0 (key>=max: -EINVAL)
 *  devmap_hash  -EINVAL      (full) -E2BIG, present+NOEXIST -EEXIST            -ENOENT
 *  cpumap       -EINVAL      -E2BIG     -EEXIST   ok            qsize 0 clears 0 (key>=max: -EINVAL)
 *               qsize > 16384: -EOVERFLOW; CPU not present: -ENODEV
 *  xskmap       -EINVAL      -E2BIG     -EEXIST   -ENOENT       stored         0 (key>=max: -EINVAL)
 * </pre>
 */
public final class RedirectMap extends BpfMap {
  /** cpu_map_update_elem()'s sanity limit on a CPU's queue size. */
  public static final int CPUMAP_MAX_QSIZE = 16384;

  private final SlotStore values;
  private final boolean hashed;

  /** Array types: which indexes hold an entry. Hash type: key to slot. */
  private final boolean[] present;

  private final ConcurrentHashMap<Integer, Integer> hashSlots = new ConcurrentHashMap<>();
  private final MapRegistry owner;

  RedirectMap(MapDefinition def, int cpus, RegionRegistry regions, MapRegistry owner) {
    super(def, cpus, regions);
    this.owner = owner;
    int t = def.type();
    this.hashed = t == MapType.DEVMAP_HASH;
    boolean devOrCpu = t != MapType.XSKMAP;
    if (def.keySize() != 4
        || def.maxEntries() <= 0
        || (devOrCpu ? def.valueSize() != 4 && def.valueSize() != 8 : def.valueSize() != 4)) {
      throw new ProgramRejectedException(
          "map '"
              + def.name()
              + "': "
              + MapType.name(t)
              + " needs key_size 4 and value_size "
              + (devOrCpu ? "4 or 8" : "4"));
    }
    this.values = new SlotStore(def.name(), def.valueSize(), def.maxEntries(), 1, true, regions);
    if (hashed) {
      this.present = null;
    } else {
      this.present = new boolean[def.maxEntries()];
      values.allocateAll();
    }
  }

  private int slot(int key) {
    if (hashed) {
      Integer s = hashSlots.get(key);
      return s == null ? -1 : s;
    }
    return Integer.compareUnsigned(key, maxEntries()) < 0 && present[key] ? key : -1;
  }

  /** The stored value for {@code key} (ifindex, qsize or socket id first), or null. */
  public byte[] target(int key) {
    int s = slot(key);
    return s < 0 ? null : values.read(0, s);
  }

  /** The first u32 of the entry at {@code key}: ifindex (devmap), qsize (cpumap), socket (xsk). */
  public long targetU32(int key) {
    int s = slot(key);
    return s < 0 ? -1 : u32(values.bytes(0, s), values.offset(s)) & 0xffffffffL;
  }

  /** Present keys, for BPF_F_BROADCAST redirects. */
  public List<Integer> presentKeys() {
    List<Integer> out = new ArrayList<>();
    for (byte[] k : keys()) {
      out.add(u32(k, 0));
    }
    return out;
  }

  @Override
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    int s = slot(u32(key, 0));
    return s < 0 ? 0 : values.pointer(ctx, 0, s);
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key)) {
      return null;
    }
    byte[] v = target(u32(key, 0));
    return v == null ? null : new byte[][] {v};
  }

  @Override
  public synchronized int updatePerCpu(byte[] key, byte[][] vals, long flags) {
    if (!keyOk(key) || !valueOk(vals)) {
      return -Errno.EINVAL;
    }
    if (flags > BPF_EXIST || flags < 0) {
      return -Errno.EINVAL;
    }
    int k = u32(key, 0);
    byte[] v = vals[0];
    int first = u32(v, 0);
    int t = type();
    if (hashed) {
      Integer old = hashSlots.get(k);
      if (old != null && flags == BPF_NOEXIST) {
        return -Errno.EEXIST;
      }
      if (old == null && hashSlots.size() >= maxEntries()) {
        return -Errno.E2BIG;
      }
      int rc = checkDevice(first, v);
      if (rc != 0) {
        return rc;
      }
      int s = old != null ? old : values.allocate();
      values.write(0, s, v, -1);
      hashSlots.put(k, s);
      return 0;
    }
    if (Integer.compareUnsigned(k, maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    if (flags == BPF_NOEXIST) {
      return -Errno.EEXIST;
    }
    if (t == MapType.XSKMAP) {
      if (flags == BPF_EXIST && !present[k]) {
        return -Errno.ENOENT;
      }
    } else if (t == MapType.CPUMAP) {
      if (Integer.compareUnsigned(first, CPUMAP_MAX_QSIZE) > 0) {
        return -Errno.EOVERFLOW;
      }
      if (k >= cpus) {
        return -Errno.ENODEV;
      }
      if (first == 0) {
        present[k] = false;
        return 0;
      }
    } else {
      if (first == 0) {
        if (v.length == 8 && u32(v, 4) > 0) {
          return -Errno.EINVAL; // can not specify a program if ifindex is 0
        }
        present[k] = false;
        return 0;
      }
      int rc = checkDevice(first, v);
      if (rc != 0) {
        return rc;
      }
    }
    values.write(0, k, v, -1);
    present[k] = true;
    return 0;
  }

  /** __dev_map_alloc_node(): the ifindex must name a device (when the host knows devices). */
  private int checkDevice(int ifindex, byte[] v) {
    if (type() == MapType.CPUMAP || type() == MapType.XSKMAP) {
      return 0;
    }
    if (ifindex == 0 || !owner.deviceExists(ifindex)) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  @Override
  public synchronized int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    int k = u32(key, 0);
    if (hashed) {
      Integer s = hashSlots.remove(k);
      if (s == null) {
        return -Errno.ENOENT;
      }
      values.release(s);
      return 0;
    }
    if (Integer.compareUnsigned(k, maxEntries()) >= 0) {
      return -Errno.EINVAL;
    }
    present[k] = false;
    return 0;
  }

  @Override
  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return delete(key);
  }

  @Override
  public List<byte[]> keys() {
    List<byte[]> out = new ArrayList<>();
    if (hashed) {
      List<Integer> ks = new ArrayList<>(hashSlots.keySet());
      ks.sort(Integer::compareUnsigned);
      for (int k : ks) {
        out.add(le32(k));
      }
    } else {
      for (int i = 0; i < present.length; i++) {
        if (present[i]) {
          out.add(le32(i));
        }
      }
    }
    return out;
  }
}
