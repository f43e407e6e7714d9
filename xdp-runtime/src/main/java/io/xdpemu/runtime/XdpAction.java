package io.xdpemu.runtime;

/** {@code enum xdp_action} (include/uapi/linux/bpf.h) and the names the outputs use. */
public final class XdpAction {
  private XdpAction() {}

  public static final int ABORTED = 0;
  public static final int DROP = 1;
  public static final int PASS = 2;
  public static final int TX = 3;
  public static final int REDIRECT = 4;
  public static final int COUNT = 5;

  private static final String[] NAMES = {
    "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"
  };

  public static String name(int action) {
    return NAMES[action];
  }

  /**
   * The action a return value means to the driver: 0..4 as themselves, anything else is an invalid
   * action, which drivers handle like XDP_ABORTED (bpf_warn_invalid_xdp_action, then
   * trace_xdp_exception and drop). The return value is the low 32 bits of r0.
   */
  public static int of(long r0) {
    long v = r0 & 0xffffffffL;
    return v <= REDIRECT ? (int) v : ABORTED;
  }
}
