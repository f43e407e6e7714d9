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

  /** Data of at most two words (IPv4, IPv6): levels compare whole longs. */
  private final boolean twoWords;

  private final SlotStore values;

  /** prefixlen to masked data to node: the host's view, changed only under the lock. */
  private final TreeMap<Integer, Map<ByteKey, Node>> byLength = new TreeMap<>();

  /**
   * What lookups walk: one compiled {@link LpmLevel} per prefix length present, longest first.
   * Replaced (never changed in place) under the lock, so lookups take none.
   */
  private volatile LpmLevel[] levels = new LpmLevel[0];

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
    this.twoWords = LpmLevel.words(dataSize) <= 2;
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

  /**
   * The value slot of the longest prefix matching the key {@code b[off, off + keySize())}, or -1:
   * one probe per prefix length present, from the longest that the key's prefixlen allows down.
   */
  private int find(byte[] b, int off) {
    int keyLen = KeyBytes.u32(b, off);
    LpmLevel[] ls = levels;
    if (twoWords) { // IPv4, IPv6: the key's data read once, as two longs
      long w0 = LpmLevel.word(b, off + 4, dataSize, 0);
      long w1 = dataSize > 8 ? LpmLevel.word(b, off + 4, dataSize, 1) : 0;
      for (LpmLevel l : ls) {
        if (Integer.compareUnsigned(l.len, keyLen) <= 0) {
          int cell = l.find(w0, w1);
          if (cell >= 0) {
            return l.slotAt(cell);
          }
        }
      }
      return -1;
    }
    for (LpmLevel l : ls) {
      if (Integer.compareUnsigned(l.len, keyLen) <= 0) {
        int slot = l.find(b, off + 4);
        if (slot >= 0) {
          return slot;
        }
      }
    }
    return -1;
  }

  /** Recompiles the level of prefix length {@code len} (dropped when empty) and publishes it. */
  private void republish(int len) {
    Map<ByteKey, Node> m = byLength.get(len);
    List<LpmLevel> out = new ArrayList<>(byLength.size());
    for (LpmLevel l : levels) {
      if (l.len != len) {
        out.add(l);
      }
    }
    if (m != null) {
      out.add(compile(len, m));
    }
    out.sort((a, b) -> Integer.compare(b.len, a.len)); // lengths are 0..maxPrefixLen
    levels = out.toArray(new LpmLevel[0]);
  }

  private LpmLevel compile(int len, Map<ByteKey, Node> m) {
    byte[][] keys = new byte[m.size()][];
    int[] slots = new int[m.size()];
    long[] pointers = new long[m.size()];
    int i = 0;
    for (Node n : m.values()) {
      keys[i] = n.key();
      pointers[i] = values.address(0, n.slot());
      slots[i++] = n.slot();
    }
    return new LpmLevel(len, dataSize, keys, slots, pointers);
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

  /**
   * A program's lookup. For IPv4 and IPv6 keys the matching cell holds the value's address itself,
   * so only the context's install check remains ({@link SlotStore#enter}).
   */
  @Override
  public long lookupInPlace(ExecutionContext ctx, byte[] b, int off) {
    if (twoWords) {
      int keyLen = KeyBytes.u32(b, off);
      long w0 = LpmLevel.word(b, off + 4, dataSize, 0);
      long w1 = dataSize > 8 ? LpmLevel.word(b, off + 4, dataSize, 1) : 0;
      for (LpmLevel l : levels) {
        if (Integer.compareUnsigned(l.len, keyLen) <= 0) {
          int cell = l.find(w0, w1);
          if (cell >= 0) {
            return values.enter(ctx, l.pointerAt(cell), l.slotAt(cell));
          }
        }
      }
      return 0;
    }
    int slot = find(b, off);
    return slot < 0 ? 0 : values.pointer(ctx, 0, slot);
  }

  /** Host-side longest-prefix lookup (what a program's lookup would see). */
  public byte[] longestMatch(byte[] key) {
    int slot = keyOk(key) ? find(key, 0) : -1;
    return slot < 0 ? null : values.read(0, slot);
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
    byLength
        .computeIfAbsent(len, l -> new HashMap<>())
        .put(new ByteKey(masked(key, len)), new Node(key.clone(), slot));
    republish(len);
    if (old != null) {
      values.release(old.slot());
    } else {
      count++;
    }
    return 0;
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
    Map<ByteKey, Node> m = byLength.get(len);
    m.remove(new ByteKey(masked(key, len)));
    if (m.isEmpty()) {
      byLength.remove(len);
    }
    republish(len);
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
    int slot = find(key, 0);
    return slot < 0 ? null : new byte[][] {values.read(0, slot)};
  }

  @Override
  public synchronized List<byte[]> keys() {
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
  public synchronized List<Entry> entries() {
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
