package io.xdpemu.verifier;

/**
 * Base register types the verifier tracks for XDP programs, with the spelling of the kernel's
 * {@code reg_type_str()} (kernel/bpf/log.c). Flags such as PTR_MAYBE_NULL live in {@link RegState}.
 */
public enum RegType {
  NOT_INIT("?"),
  SCALAR("scalar"),
  PTR_TO_CTX("ctx"),
  CONST_PTR_TO_MAP("map_ptr"),
  PTR_TO_MAP_VALUE("map_value"),
  PTR_TO_MAP_KEY("map_key"),
  PTR_TO_STACK("fp"),
  PTR_TO_PACKET_META("pkt_meta"),
  PTR_TO_PACKET("pkt"),
  PTR_TO_PACKET_END("pkt_end"),
  PTR_TO_MEM("mem"),
  PTR_TO_BTF_ID("ptr_"),
  PTR_TO_SOCKET("sock"),
  PTR_TO_SOCK_COMMON("sock_common"),
  PTR_TO_FUNC("func");

  private final String logName;

  RegType(String logName) {
    this.logName = logName;
  }

  public String logName() {
    return logName;
  }

  public boolean isPointer() {
    return this != NOT_INIT && this != SCALAR;
  }

  /** type_is_pkt_pointer(). */
  public boolean isPacket() {
    return this == PTR_TO_PACKET || this == PTR_TO_PACKET_META;
  }
}
