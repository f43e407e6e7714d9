package io.xdpemu.ebpf.btf;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads bytes through a BTF type into a {@link BtfValue}, with the rules of bpftool's {@code
 * btf_dumper} (tools/bpf/bpftool/btf_dumper.c) for its JSON output, little-endian:
 *
 * <ul>
 *   <li>typedefs and modifiers are looked through; pointers print as unsigned numbers;
 *   <li>integers of 8/16/32/64 bits print as numbers (signed when the encoding says so), chars as a
 *       one-character string, bools as true/false; a bitfield, an integer whose width is not whole
 *       bytes and a 128-bit integer print as a {@code "0x..."} string;
 *   <li>an enum prints its enumerator's name when the value has one, else the signed number;
 *   <li>a char array (element {@code char} or a char-encoded 1-byte int) holding a NUL-terminated
 *       printable string prints as that string, any other array as a list;
 *   <li>a VAR prints {@code {"name": value}}, a DATASEC {@code {"section": [vars...]}}.
 * </ul>
 *
 * Two places differ on purpose: a {@code bool} reads its one byte (btf_dumper_int reads an {@code
 * int}, i.e. three bytes past the field), and a FLOAT prints its value (bpftool refuses the kind).
 * A union prints every member, as bpftool does, unless a {@link UnionFilter} picks members (the
 * NIC's metadata: the member the frame's packet type selects).
 */
public final class BtfValueDecoder {
  /** Which members of a union to show. */
  @FunctionalInterface
  public interface UnionFilter {
    boolean show(BtfType.Union union, BtfType.Member member);

    UnionFilter ALL = (u, m) -> true;
  }

  /**
   * Where a variable of a DATASEC really lies: clang leaves the offsets 0 in the object and libbpf
   * (btf_fixup_datasec) takes them from the ELF symbols before loading.
   */
  @FunctionalInterface
  public interface DatasecOffsets {
    int offset(String section, String variable, int btfOffset);

    DatasecOffsets AS_IN_BTF = (s, v, off) -> off;
  }

  private final Btf btf;
  private final UnionFilter unions;
  private final DatasecOffsets datasec;

  public BtfValueDecoder(Btf btf) {
    this(btf, UnionFilter.ALL, DatasecOffsets.AS_IN_BTF);
  }

  public BtfValueDecoder(Btf btf, UnionFilter unions) {
    this(btf, unions, DatasecOffsets.AS_IN_BTF);
  }

  public BtfValueDecoder(Btf btf, UnionFilter unions, DatasecOffsets datasec) {
    this.btf = btf;
    this.unions = unions;
    this.datasec = datasec;
  }

  /**
   * {@code data[off..]} read as type {@code typeId}; bytes past {@code data}'s end read as zero (a
   * value shorter than its type, e.g. a DATASEC whose BTF size is 0).
   */
  public BtfValue decode(int typeId, byte[] data, int off) {
    return value(typeId, 0, data, off);
  }

  private BtfValue value(int id, int bitOffset, byte[] d, int off) {
    BtfType t = btf.type(id);
    if (t instanceof BtfType.Typedef
        || t instanceof BtfType.Const
        || t instanceof BtfType.Volatile
        || t instanceof BtfType.Restrict
        || t instanceof BtfType.TypeTag) {
      return value(btf.resolve(id), bitOffset, d, off);
    }
    if (t instanceof BtfType.Int i) {
      return integer(i, bitOffset, d, off);
    }
    if (t instanceof BtfType.Composite c) {
      return composite(c, d, off);
    }
    if (t instanceof BtfType.Array a) {
      return array(a, d, off);
    }
    if (t instanceof BtfType.Enumeration e) {
      return enumeration(e, d, off);
    }
    if (t instanceof BtfType.Ptr) {
      return new BtfValue.Number(Long.toUnsignedString(le(d, off, 8)));
    }
    if (t instanceof BtfType.Var v) {
      return new BtfValue.Fields(List.of(new BtfValue.Field(v.name(), value(v.type(), 0, d, off))));
    }
    if (t instanceof BtfType.Datasec s) {
      List<BtfValue> vars = new ArrayList<>();
      for (BtfType.VarSecinfo vs : s.vars()) {
        int at = datasec.offset(s.name(), btf.type(vs.type()).name(), vs.offset());
        vars.add(value(vs.type(), 0, d, off + at));
      }
      return new BtfValue.Fields(List.of(new BtfValue.Field(s.name(), new BtfValue.Items(vars))));
    }
    if (t instanceof BtfType.Float f) {
      long bits = le(d, off, f.size());
      double x =
          f.size() == 4
              ? java.lang.Float.intBitsToFloat((int) bits)
              : Double.longBitsToDouble(bits);
      return Double.isFinite(x)
          ? new BtfValue.Number(Double.toString(x))
          : new BtfValue.Text(Double.toString(x));
    }
    return new BtfValue.Text("(" + t.kind().name().toLowerCase(java.util.Locale.ROOT) + ")");
  }

  private BtfValue integer(BtfType.Int t, int bitOffset, byte[] d, int off) {
    int bits = t.bits();
    if (bitOffset != 0 || t.bitOffset() != 0 || bits % 8 != 0) {
      int total = bitOffset + t.bitOffset();
      return bitfield(d, off + total / 8, total % 8, bits);
    }
    if (bits == 128) {
      return bitfield(d, off, 0, 128);
    }
    if (t.isBool()) {
      return new BtfValue.Bool(le(d, off, t.size()) != 0);
    }
    if (t.isChar()) {
      char c = (char) (d.length > off ? d[off] & 0xff : 0);
      return new BtfValue.Text(String.valueOf(c));
    }
    long v = le(d, off, bits / 8);
    if (t.signed()) {
      int shift = 64 - bits;
      return new BtfValue.Number(Long.toString(v << shift >> shift));
    }
    return new BtfValue.Number(Long.toUnsignedString(v));
  }

  /** btf_dumper_bitfield: {@code bits} bits from bit {@code bitOffset} of {@code d[off..]}, hex. */
  static BtfValue bitfield(byte[] d, int off, int bitOffset, int bits) {
    int bytes = (bitOffset + bits + 7) / 8;
    byte[] be = new byte[bytes + 1]; // big-endian, a leading 0 keeps it positive
    for (int i = 0; i < bytes; i++) {
      be[bytes - i] = off + i < d.length && off + i >= 0 ? d[off + i] : 0;
    }
    BigInteger v = new BigInteger(be).shiftRight(bitOffset);
    v = v.and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    return new BtfValue.Text("0x" + v.toString(16));
  }

  private BtfValue composite(BtfType.Composite c, byte[] d, int off) {
    List<BtfValue.Field> fields = new ArrayList<>();
    for (BtfType.Member m : c.members()) {
      if (c instanceof BtfType.Union u && !unions.show(u, m)) {
        continue;
      }
      int at = off + m.bitOffset() / 8;
      BtfValue v =
          m.isBitfield()
              ? bitfield(d, at, m.bitOffset() % 8, m.bitfieldSize())
              : value(m.type(), m.bitOffset() % 8, d, at);
      fields.add(new BtfValue.Field(m.name(), v));
    }
    return new BtfValue.Fields(fields);
  }

  private BtfValue array(BtfType.Array a, byte[] d, int off) {
    String s = cString(a, d, off);
    if (s != null) {
      return new BtfValue.Text(s);
    }
    long elem = btf.sizeOf(a.elemType());
    List<BtfValue> items = new ArrayList<>(a.nelems());
    for (int i = 0; i < a.nelems(); i++) {
      items.add(value(a.elemType(), 0, d, (int) (off + i * elem)));
    }
    return new BtfValue.Items(items);
  }

  /** is_str_array(): a char array whose bytes are printable up to a NUL within it, else null. */
  private String cString(BtfType.Array a, byte[] d, int off) {
    if (a.nelems() == 0) {
      return null;
    }
    int e = a.elemType();
    BtfType t = btf.type(e);
    while (t instanceof BtfType.Const
        || t instanceof BtfType.Volatile
        || t instanceof BtfType.Restrict) {
      t = btf.type(t.ref());
    }
    if (!(t instanceof BtfType.Int i)
        || i.size() != 1
        || !(i.isChar() || i.name().equals("char"))) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < a.nelems(); k++) {
      int c = off + k < d.length ? d[off + k] : 0;
      if (c == 0) {
        return b.toString();
      }
      if (c <= 0x1f || c >= 0x7f) {
        return null; // (signed char: bytes >= 0x80 are negative, hence <= 0x1f)
      }
      b.append((char) c);
    }
    return null;
  }

  private BtfValue enumeration(BtfType.Enumeration e, byte[] d, int off) {
    int size = e.size();
    long raw = le(d, off, size);
    int shift = 64 - 8 * size;
    long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
    for (BtfType.EnumValue ev : e.values()) {
      if ((ev.value() & mask) == raw) {
        return new BtfValue.Text(ev.name());
      }
    }
    return new BtfValue.Number(Long.toString(raw << shift >> shift));
  }

  /** {@code n} bytes little-endian from {@code d[off..]}; bytes past the end read as zero. */
  static long le(byte[] d, int off, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      int at = off + i;
      v = (v << 8) | (at >= 0 && at < d.length ? d[at] & 0xff : 0);
    }
    return v;
  }
}
