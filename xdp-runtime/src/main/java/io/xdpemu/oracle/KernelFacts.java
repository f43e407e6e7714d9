package io.xdpemu.oracle;

/**
 * What {@code BPF_PROG_TEST_RUN} accepts for XDP, measured on Linux 6.18.44 (x86_64, 4 KiB pages)
 * with {@code xdpemu-oracle} and pinned by {@code KernelOracleTest}. The kernel answers EINVAL
 * outside these limits (net/bpf/test_run.c, {@code bpf_prog_test_run_xdp()}).
 */
public final class KernelFacts {
  private KernelFacts() {}

  /** Metadata length must be a multiple of this ({@code xdp_metalen_invalid()}). */
  public static final int META_ALIGN = 4;

  /**
   * Longest metadata accepted (every multiple of 4 from 4 to 216 is, 220 is not). Consistent with
   * XDP_PACKET_HEADROOM (256) minus sizeof(struct xdp_frame) (40 on 6.18 x86_64): the metadata is
   * carved out of the headroom, which must keep room for an xdp_frame.
   */
  public static final int META_MAX = 216;

  /** Shortest frame accepted (an Ethernet header, ETH_HLEN). */
  public static final int FRAME_MIN = 14;

  /**
   * Longest frame the program sees linearly: 3520 = PAGE_SIZE (4096) - XDP_PACKET_HEADROOM (256) -
   * SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) (320), independent of the metadata length.
   * Longer frames are accepted, but the bytes past this limit go to a fragment: {@code data_end}
   * stops here while data_out returns all of them.
   */
  public static final int LINEAR_FRAME_MAX = 3520;

  /**
   * What the program reads from {@code ctx->ingress_ifindex} in a test run whose ctx_in names no
   * device: the caller's loopback device (ifindex 1), whose RX queue 0 backs the test buffer.
   */
  public static final int TEST_RUN_INGRESS_IFINDEX = 1;

  /** What the program reads from {@code ctx->rx_queue_index} in such a test run. */
  public static final int TEST_RUN_RX_QUEUE_INDEX = 0;

  /** Null when the kernel accepts metadata of this length, else why it does not. */
  public static String metadataProblem(int length) {
    if (length % META_ALIGN != 0) {
      return "metadata length " + length + " is not a multiple of " + META_ALIGN;
    }
    if (length > META_MAX) {
      return "metadata length " + length + " exceeds the kernel's maximum of " + META_MAX;
    }
    return null;
  }
}
