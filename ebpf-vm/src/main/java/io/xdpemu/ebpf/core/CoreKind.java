package io.xdpemu.ebpf.core;

/**
 * {@code enum bpf_core_relo_kind} (include/uapi/linux/bpf.h) with libbpf's short names (relo_core.c
 * core_relo_kind_str), which appear in its log and in our messages.
 */
public enum CoreKind {
  FIELD_BYTE_OFFSET(0, "byte_off"),
  FIELD_BYTE_SIZE(1, "byte_sz"),
  FIELD_EXISTS(2, "field_exists"),
  FIELD_SIGNED(3, "signed"),
  FIELD_LSHIFT_U64(4, "lshift_u64"),
  FIELD_RSHIFT_U64(5, "rshift_u64"),
  TYPE_ID_LOCAL(6, "local_type_id"),
  TYPE_ID_TARGET(7, "target_type_id"),
  TYPE_EXISTS(8, "type_exists"),
  TYPE_SIZE(9, "type_size"),
  ENUMVAL_EXISTS(10, "enumval_exists"),
  ENUMVAL_VALUE(11, "enumval_value"),
  TYPE_MATCHES(12, "type_matches");

  private static final CoreKind[] BY_NUMBER = values();
  private final int number;
  private final String label;

  CoreKind(int number, String label) {
    this.number = number;
    this.label = label;
  }

  public int number() {
    return number;
  }

  /** libbpf's spelling: "byte_off", "field_exists", ... */
  public String label() {
    return label;
  }

  /** The kind with wire number {@code n}, or null. */
  public static CoreKind of(int n) {
    return n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[n] : null;
  }

  public boolean isFieldBased() {
    return number <= FIELD_RSHIFT_U64.number;
  }

  public boolean isTypeBased() {
    return this == TYPE_ID_LOCAL
        || this == TYPE_ID_TARGET
        || this == TYPE_EXISTS
        || this == TYPE_SIZE
        || this == TYPE_MATCHES;
  }

  public boolean isEnumValueBased() {
    return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
  }
}
