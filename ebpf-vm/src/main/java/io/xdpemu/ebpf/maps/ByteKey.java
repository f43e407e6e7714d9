package io.xdpemu.ebpf.maps;

import java.util.Arrays;

/** A map key by value: the bytes are owned (callers pass a copy), hash cached. */
final class ByteKey implements Comparable<ByteKey> {
  final byte[] bytes;
  private final int hash;

  ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Unsigned lexicographic order: the order host-side iteration and dumps use. */
  @Override
  public int compareTo(ByteKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }
}
