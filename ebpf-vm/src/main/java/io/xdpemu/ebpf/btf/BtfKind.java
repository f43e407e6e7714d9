package io.xdpemu.ebpf.btf;

/**
 * BTF type kinds with their wire numbers ({@code BTF_KIND_*} in include/uapi/linux/btf.h). The
 * label is the spelling bpftool prints in its raw dump ({@code btf_kind_str[]} in bpftool's btf.c).
 */
public enum BtfKind {
  UNKN(0, "UNKNOWN"),
  INT(1, "INT"),
  PTR(2, "PTR"),
  ARRAY(3, "ARRAY"),
  STRUCT(4, "STRUCT"),
  UNION(5, "UNION"),
  ENUM(6, "ENUM"),
  FWD(7, "FWD"),
  TYPEDEF(8, "TYPEDEF"),
  VOLATILE(9, "VOLATILE"),
  CONST(10, "CONST"),
  RESTRICT(11, "RESTRICT"),
  FUNC(12, "FUNC"),
  FUNC_PROTO(13, "FUNC_PROTO"),
  VAR(14, "VAR"),
  DATASEC(15, "DATASEC"),
  FLOAT(16, "FLOAT"),
  DECL_TAG(17, "DECL_TAG"),
  TYPE_TAG(18, "TYPE_TAG"),
  ENUM64(19, "ENUM64");

  private static final BtfKind[] BY_NUMBER = values();

  private final int number;
  private final String label;

  BtfKind(int number, String label) {
    this.number = number;
    this.label = label;
  }

  /** The {@code BTF_KIND_*} value stored in bits 24.. of {@code btf_type.info}. */
  public int number() {
    return number;
  }

  /** bpftool's name for the kind ("FUNC_PROTO", "UNKNOWN" for 0). */
  public String label() {
    return label;
  }

  /** The kind with this wire number, or null when this reader does not know it. */
  public static BtfKind ofNumber(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
  }

  /** Number of 32-bit words of kind-specific data that follow the 12-byte common record. */
  public int trailingWords(int vlen) {
    switch (this) {
      case INT:
      case VAR:
      case DECL_TAG:
        return 1;
      case ARRAY:
        return 3;
      case STRUCT:
      case UNION:
      case DATASEC:
      case ENUM64:
        return 3 * vlen;
      case ENUM:
      case FUNC_PROTO:
        return 2 * vlen;
      default:
        return 0;
    }
  }

  /** True for kinds whose third word is a type id (rather than a size). */
  public boolean hasTypeRef() {
    switch (this) {
      case PTR:
      case TYPEDEF:
      case VOLATILE:
      case CONST:
      case RESTRICT:
      case FUNC:
      case FUNC_PROTO:
      case VAR:
      case DECL_TAG:
      case TYPE_TAG:
        return true;
      default:
        return false;
    }
  }
}
