package io.xdpemu.ebpf.maps;

import java.util.Arrays;

/**
 * A reusable, per-thread stand-in for a {@link ByteKey} in the lookups programs make on every
 * packet, so that they allocate no key object. {@code ConcurrentHashMap.get(probe)} hashes the
 * probe and calls {@code probe.equals(storedKey)} (also in tree bins, as the probe is not
 * Comparable), which is all a probe must answer. A probe is never stored in a map and is valid only
 * until the thread's next lookup.
 */
final class KeyProbe {
  private static final ThreadLocal<KeyProbe> PER_THREAD = ThreadLocal.withInitial(KeyProbe::new);

  private byte[] bytes;
  private int from;
  private int to;
  private int hash;

  /**
   * This thread's probe, set to the key {@code b[off, off + len)} (which it does not copy): the key
   * is read where the program keeps it, on its stack or in a map value.
   */
  static KeyProbe of(byte[] b, int off, int len) {
    KeyProbe p = PER_THREAD.get();
    p.bytes = b;
    p.from = off;
    p.to = off + len;
    int h = 1; // Arrays.hashCode over the range: the hash ByteKey caches for the same bytes
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    p.hash = h;
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k
        && hash == k.hashCode()
        && Arrays.equals(bytes, from, to, k.bytes, 0, k.bytes.length);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
