package io.xdpemu.ebpf.vm;

/**
 * One memory object a BPF program can point into: the xdp_md context, the stack, the packet buffer,
 * a map's value area, a global-data section, a ring buffer.
 *
 * <p>Pointers are 64-bit values {@code (id << 32) | offset} (see {@link AddressSpace}); the offset
 * is an index into {@link #bytes}. Accesses are valid in {@code [lo, hi)}, which the owner may move
 * (the packet region's bounds follow {@code data_meta}/{@code data_end} as the program adjusts the
 * frame). A region never hands out memory outside its array, so a verifier bug cannot corrupt the
 * JVM or another region.
 */
public final class Region {
  /** What the region holds; the context region is not plain memory (loads are converted). */
  public enum Kind {
    CONTEXT,
    STACK,
    PACKET,
    MAP_VALUE,
    GLOBAL_DATA,
    RINGBUF,
    MAP_HANDLE,
    OTHER
  }

  private final String name;
  private final Kind kind;
  private byte[] bytes;
  private int lo;
  private int hi;
  private boolean readOnly;

  public Region(String name, Kind kind, byte[] bytes, int lo, int hi, boolean readOnly) {
    this.name = name;
    this.kind = kind;
    this.bytes = bytes;
    this.lo = lo;
    this.hi = hi;
    this.readOnly = readOnly;
  }

  public Region(String name, Kind kind, byte[] bytes) {
    this(name, kind, bytes, 0, bytes.length, false);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public byte[] bytes() {
    return bytes;
  }

  public int lo() {
    return lo;
  }

  public int hi() {
    return hi;
  }

  public boolean readOnly() {
    return readOnly;
  }

  public void freeze() {
    readOnly = true;
  }

  /** Re-targets the region (the packet region follows the frame currently being processed). */
  public void reset(byte[] newBytes, int newLo, int newHi) {
    if (bytes != newBytes) {
      this.bytes = newBytes; // frame after frame in the same array: not stored again (G1's fence)
    }
    this.lo = newLo;
    this.hi = newHi;
  }

  public void setBounds(int newLo, int newHi) {
    this.lo = newLo;
    this.hi = newHi;
  }

  /** Overflow-safe: true when {@code [off, off+size)} lies inside {@code [lo, hi)}. */
  public boolean contains(long off, int size) {
    return off >= lo && size >= 0 && off <= hi - size;
  }

  @Override
  public String toString() {
    return name + "[" + kind + " " + lo + ".." + hi + (readOnly ? " ro" : "") + "]";
  }
}
