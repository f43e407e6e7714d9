package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;
import java.util.List;

/**
 * A C struct the NIC writes: the metadata block in front of each frame, or the RX descriptor.
 * Little-endian (host order of x86-64 and arm64) unless a field's type says {@code be16/be32/be64}.
 * A field is a scalar, a pointer to the RX descriptor struct, or a union of structs of which one
 * member is written, chosen by the frame's packet type.
 */
public record Layout(String structName, int size, int align, List<Member> fields, Position at) {
  /** True for an anonymous struct (a union member written as {@code struct { ... } name;}). */
  public boolean anonymous() {
    return structName == null;
  }

  /** Scalar C types: bytes, signedness and byte order. */
  public enum Scalar {
    U8(1, false, false, "__u8"),
    U16(2, false, false, "__u16"),
    U32(4, false, false, "__u32"),
    U64(8, false, false, "__u64"),
    S8(1, true, false, "__s8"),
    S16(2, true, false, "__s16"),
    S32(4, true, false, "__s32"),
    S64(8, true, false, "__s64"),
    BE16(2, false, true, "__be16"),
    BE32(4, false, true, "__be32"),
    BE64(8, false, true, "__be64"),
    /** A pointer to the RX descriptor struct (8 bytes on 64-bit kernels). */
    PTR(8, false, false, null);

    public final int size;
    public final boolean signed;
    public final boolean bigEndian;

    /** The typedef in the kernel's BTF (uapi/linux/types.h). */
    public final String cType;

    Scalar(int size, boolean signed, boolean bigEndian, String cType) {
      this.size = size;
      this.signed = signed;
      this.bigEndian = bigEndian;
      this.cType = cType;
    }
  }

  /** A field of the struct; {@code union} non-null for a union, then {@code scalar} is null. */
  public record Member(
      String name,
      int offset,
      Scalar scalar,
      Source source,
      long argument,
      FieldRef fieldRef,
      Union union,
      Position at) {
    public int size() {
      return union != null ? union.size() : scalar.size;
    }
  }

  /** A header field used as a source: the outermost instance of {@code header}. */
  public record FieldRef(int header, int bitOffset, int width, String text) {}

  /**
   * A union whose member is picked per packet type: the member whose {@code ptypes} contains the
   * frame's ptype is written, the others' bytes are zero when none matches.
   */
  public record Union(String unionName, int size, List<UnionMember> members) {}

  /** One union member: a named struct written when the ptype is one of {@code ptypes}. */
  public record UnionMember(String name, Layout layout, long[] ptypes, Position at) {}
}
