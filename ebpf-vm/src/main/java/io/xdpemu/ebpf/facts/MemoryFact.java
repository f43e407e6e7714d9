package io.xdpemu.ebpf.facts;

/**
 * A proven memory access: which object it touches, and for the context the field. The verifier has
 * checked the access against the object's bounds on every path (packet range, stack frame, map
 * value size, xdp_md field), so an engine may address the object's bytes directly.
 *
 * @param kind the object
 * @param contextField for {@link Kind#CONTEXT}: the xdp_md byte offset the access reads (constant
 *     on every path); otherwise -1
 */
public record MemoryFact(Kind kind, int contextField) {
  /** The objects an access can be proven to touch. */
  public enum Kind {
    /** The frame between data_meta and data_end (pkt or pkt_meta, range checked). */
    PACKET,
    /** The stack of some call frame (fp-relative, within its 512 bytes). */
    STACK,
    /**
     * A map value (or global data), non-null, within the value size; never a read-only map write.
     */
    MAP_VALUE,
    /** A u32 field of xdp_md at a constant offset. */
    CONTEXT
  }

  public static final MemoryFact PACKET = new MemoryFact(Kind.PACKET, -1);
  public static final MemoryFact STACK = new MemoryFact(Kind.STACK, -1);
  public static final MemoryFact MAP_VALUE = new MemoryFact(Kind.MAP_VALUE, -1);

  public static MemoryFact context(int field) {
    return new MemoryFact(Kind.CONTEXT, field);
  }

  /** A small code that identifies the fact (0 for none), for caching code by its inputs. */
  public static int code(MemoryFact f) {
    return f == null ? 0 : 1 + f.kind.ordinal() + (f.kind == Kind.CONTEXT ? 8 * f.contextField : 0);
  }
}
