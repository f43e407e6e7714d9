package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c). Keys are {@code struct bpf_lpm_trie_key_u8 { __u32
 * prefixlen; __u8 data[]; }} (prefixlen in host order, data in network order, compared MSB first);
 * a lookup returns the value of the longest stored prefix that matches the first {@code min(node
 * prefixlen, key prefixlen)} bits of the key.
 *
 * <p>Stored per prefix length in hash tables of masked data, searched from the longest length
 * present down, so a lookup costs at most one probe per distinct prefix length. The kernel's error
 * codes: prefixlen above {@code 8 * data_size} is -EINVAL, flags above BPF_EXIST -EINVAL, a new
 * prefix in a full trie -ENOSPC (not -E2BIG), BPF_NOEXIST on a present prefix -EEXIST, BPF_EXIST on
 * an absent one -ENOENT. Iteration is the kernel's post-order walk: within one branch, longer
 * prefixes before the shorter ones that contain them.
 */
public final class LpmTrieMap extends BpfMap {
  private record Node(byte[] key, int slot) {}

  private final int dataSize;
  private final int maxPrefixLen;
  private final SlotStore values;

  /** prefixlen (descending) to masked data to node; replaced copy-on-write under the lock. */
  private volatile TreeMap<Integer, Map<ByteKey, Node>> byLength = new TreeMap<>();

  private int count;

  LpmTrieMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    this.dataSize = def.keySize() - 4;
    if (dataSize < 1 || dataSize > 256 || def.valueSize() <= 0 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '"
              + def.name()
              + "': lpm_trie needs key_size = 4 + 1..256 data bytes, value_size > 0, max_entries > 0");
    }
    this.maxPrefixLen = dataSize * 8;
    this.values =
        new SlotStore(
            def.name(),
            def.valueSize(),
            def.maxEntries() + 1,
            1,
            (def.flags() & BPF_F_RDONLY_PROG) != 0,
            regions);
  }

  private byte[] masked(byte[] key, int prefixLen) {
    byte[] d = new byte[dataSize];
    int full = prefixLen / 8;
    System.arraycopy(key, 4, d, 0, full);
    int rem = prefixLen % 8;
    if (rem != 0) {
      d[full] = (byte) (key[4 + full] & (0xff << (8 - rem)));
    }
    return d;
  }

  /** Longest-prefix match of the key {@code b[off, off + keySize())}; allocates nothing. */
  private Node find(byte[] b, int off) {
    int keyLen = u32(b, off);
    Levels l = levels;
    MaskedProbe probe = MaskedProbe.PER_THREAD.get();
    for (int i = 0; i < l.lengths.length; i++) {
      int len = l.lengths[i];
      if (Integer.compareUnsigned(len, keyLen) > 0) {
        continue;
      }
      Node n = l.tables[i].get(probe.set(b, off + 4, dataSize, len));
      if (n != null) {
        return n;
      }
    }
    return null;
  }

  private Node find(byte[] key) {
    return find(key, 0);
  }

  /**
   * The tables of {@link #byLength} as arrays, longest prefix first: what a lookup walks, without
   * the TreeMap's iterator and entry objects. Rebuilt with every change, under the lock.
   */
  private record Levels(int[] lengths, Map<ByteKey, Node>[] tables) {}

  private volatile Levels levels = levels(new TreeMap<>());

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Levels levels(TreeMap<Integer, Map<ByteKey, Node>> t) {
    int[] lengths = new int[t.size()];
    Map<ByteKey, Node>[] tables = new Map[t.size()];
    int i = 0;
    for (Map.Entry<Integer, Map<ByteKey, Node>> e : t.descendingMap().entrySet()) {
      lengths[i] = e.getKey();
      tables[i++] = e.getValue();
    }
    return new Levels(lengths, tables);
  }

  /** Publishes a new set of tables (copy-on-write: lookups never lock). */
  private void publish(TreeMap<Integer, Map<ByteKey, Node>> t) {
    byLength = t;
    levels = levels(t);
  }

  /**
   * A per-thread stand-in for {@code new ByteKey(masked(key, len))}: the key data masked to a
   * prefix length, read in place. Its hash is the one ByteKey caches for the masked bytes, and
   * {@code HashMap.get} asks it to compare itself with the stored keys, which it does byte by byte
   * under the mask. Valid until the thread's next lookup; never stored.
   */
  private static final class MaskedProbe {
    static final ThreadLocal<MaskedProbe> PER_THREAD = ThreadLocal.withInitial(MaskedProbe::new);

    private byte[] b;
    private int from;
    private int size;
    private int prefixLen;
    private int hash;

    MaskedProbe set(byte[] bytes, int off, int dataSize, int len) {
      this.b = bytes;
      this.from = off;
      this.size = dataSize;
      this.prefixLen = len;
      int h = 1;
      for (int i = 0; i < dataSize; i++) {
        h = 31 * h + masked(i);
      }
      this.hash = h;
      return this;
    }

    /** Data byte {@code i} under the mask of {@code prefixLen} bits (as {@code masked()}). */
    private byte masked(int i) {
      int bits = prefixLen - 8 * i;
      if (bits >= 8) {
        return b[from + i];
      }
      return bits <= 0 ? 0 : (byte) (b[from + i] & (0xff << (8 - bits)));
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof ByteKey k) || k.hashCode() != hash || k.bytes.length != size) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        if (k.bytes[i] != masked(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private Node exact(byte[] key) {
    int len = u32(key, 0);
    Map<ByteKey, Node> m = byLength.get(len);
    return m == null ? null : m.get(new ByteKey(masked(key, len)));
  }

  @Override
  public long lookupFromProgram(ExecutionContext ctx, byte[] key) {
    return lookupInPlace(ctx, key, 0);
  }

  @Override
  public long lookupInPlace(ExecutionContext ctx, byte[] b, int off) {
    Node n = find(b, off);
    return n == null ? 0 : values.pointer(ctx, 0, n.slot());
  }

  /** Host-side longest-prefix lookup (what a program's lookup would see). */
  public byte[] longestMatch(byte[] key) {
    Node n = keyOk(key) ? find(key) : null;
    return n == null ? null : values.read(0, n.slot());
  }

  @Override
  public long updateFromProgram(ExecutionContext ctx, byte[] key, byte[] value, long flags) {
    return updatePerCpu(key, new byte[][] {value}, flags);
  }

  @Override
  public long deleteFromProgram(ExecutionContext ctx, byte[] key) {
    return delete(key);
  }

  @Override
  public synchronized int updatePerCpu(byte[] key, byte[][] vals, long flags) {
    if (!keyOk(key) || !valueOk(vals)) {
      return -Errno.EINVAL;
    }
    if (flags > BPF_EXIST || flags < 0) {
      return -Errno.EINVAL;
    }
    int len = u32(key, 0);
    if (Integer.compareUnsigned(len, maxPrefixLen) > 0) {
      return -Errno.EINVAL;
    }
    Node old = exact(key);
    if (old == null && count == maxEntries()) {
      return -Errno.ENOSPC;
    }
    if (old != null && flags == BPF_NOEXIST) {
      return -Errno.EEXIST;
    }
    if (old == null && flags == BPF_EXIST) {
      return -Errno.ENOENT;
    }
    int slot = values.allocate();
    values.write(0, slot, vals[0], -1);
    TreeMap<Integer, Map<ByteKey, Node>> t = copy();
    t.computeIfAbsent(len, l -> new HashMap<>())
        .put(new ByteKey(masked(key, len)), new Node(key.clone(), slot));
    publish(t);
    if (old != null) {
      values.release(old.slot());
    } else {
      count++;
    }
    return 0;
  }

  private TreeMap<Integer, Map<ByteKey, Node>> copy() {
    TreeMap<Integer, Map<ByteKey, Node>> t = new TreeMap<>();
    for (Map.Entry<Integer, Map<ByteKey, Node>> e : byLength.entrySet()) {
      t.put(e.getKey(), new HashMap<>(e.getValue()));
    }
    return t;
  }

  @Override
  public synchronized int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    int len = u32(key, 0);
    if (Integer.compareUnsigned(len, maxPrefixLen) > 0) {
      return -Errno.EINVAL;
    }
    Node old = exact(key);
    if (old == null) {
      return -Errno.ENOENT;
    }
    TreeMap<Integer, Map<ByteKey, Node>> t = copy();
    Map<ByteKey, Node> m = t.get(len);
    m.remove(new ByteKey(masked(key, len)));
    if (m.isEmpty()) {
      t.remove(len);
    }
    publish(t);
    values.release(old.slot());
    count--;
    return 0;
  }

  /**
   * BPF_MAP_LOOKUP_ELEM from the host is a longest-prefix match too (trie_lookup_elem serves both).
   */
  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key)) {
      return null;
    }
    Node n = find(key);
    return n == null ? null : new byte[][] {values.read(0, n.slot())};
  }

  @Override
  public List<byte[]> keys() {
    List<Node> all = new ArrayList<>();
    for (Map<ByteKey, Node> m : byLength.values()) {
      all.addAll(m.values());
    }
    all.sort(this::postOrder);
    List<byte[]> out = new ArrayList<>(all.size());
    for (Node n : all) {
      out.add(n.key().clone());
    }
    return out;
  }

  /** Dumps use the exact stored prefix, not a longest match. */
  @Override
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (byte[] k : keys()) {
      Node n = exact(k);
      if (n != null) {
        out.add(new Entry(k, new byte[][] {values.read(0, n.slot())}));
      }
    }
    return out;
  }

  private int postOrder(Node a, Node b) {
    int la = u32(a.key(), 0);
    int lb = u32(b.key(), 0);
    int common = Math.min(la, lb);
    for (int bit = 0; bit < common; bit++) {
      int ba = (a.key()[4 + bit / 8] >> (7 - bit % 8)) & 1;
      int bb = (b.key()[4 + bit / 8] >> (7 - bit % 8)) & 1;
      if (ba != bb) {
        return ba - bb;
      }
    }
    return Integer.compare(lb, la);
  }
}
