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
  private int hash;

  /** This thread's probe, set to {@code key} (which it does not copy). */
  static KeyProbe of(byte[] key) {
    KeyProbe p = PER_THREAD.get();
    p.bytes = key;
    p.hash = Arrays.hashCode(key);
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && hash == k.hashCode() && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
