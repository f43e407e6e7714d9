package io.xdpemu.ebpf.helpers;

/**
 * Static helper ids ({@code enum bpf_func_id}, include/uapi/linux/bpf.h; the same numbers appear in
 * libbpf's bpf_helper_defs.h) of the helpers xdpemu implements.
 */
public final class HelperIds {
  public static final int MAP_LOOKUP_ELEM = 1;
  public static final int MAP_UPDATE_ELEM = 2;
  public static final int MAP_DELETE_ELEM = 3;
  public static final int PROBE_READ = 4;
  public static final int KTIME_GET_NS = 5;
  public static final int TRACE_PRINTK = 6;
  public static final int GET_PRANDOM_U32 = 7;
  public static final int GET_SMP_PROCESSOR_ID = 8;
  public static final int TAIL_CALL = 12;
  public static final int REDIRECT = 23;
  public static final int PERF_EVENT_OUTPUT = 25;
  public static final int CSUM_DIFF = 28;
  public static final int GET_NUMA_NODE_ID = 42;
  public static final int XDP_ADJUST_HEAD = 44;
  public static final int PROBE_READ_STR = 45;
  public static final int REDIRECT_MAP = 51;
  public static final int XDP_ADJUST_META = 54;
  public static final int XDP_ADJUST_TAIL = 65;
  public static final int FIB_LOOKUP = 69;
  public static final int MAP_PUSH_ELEM = 87;
  public static final int MAP_POP_ELEM = 88;
  public static final int MAP_PEEK_ELEM = 89;
  public static final int SPIN_LOCK = 93;
  public static final int SPIN_UNLOCK = 94;
  public static final int PROBE_READ_KERNEL = 113;
  public static final int PROBE_READ_KERNEL_STR = 115;
  public static final int JIFFIES64 = 118;
  public static final int KTIME_GET_BOOT_NS = 125;
  public static final int RINGBUF_OUTPUT = 130;
  public static final int RINGBUF_RESERVE = 131;
  public static final int RINGBUF_SUBMIT = 132;
  public static final int RINGBUF_DISCARD = 133;
  public static final int RINGBUF_QUERY = 134;
  public static final int KTIME_GET_COARSE_NS = 160;
  public static final int CHECK_MTU = 163;
  public static final int FOR_EACH_MAP_ELEM = 164;
  public static final int LOOP = 181;
  public static final int XDP_GET_BUFF_LEN = 188;
  public static final int XDP_LOAD_BYTES = 189;
  public static final int XDP_STORE_BYTES = 190;
  public static final int MAP_LOOKUP_PERCPU_ELEM = 195;
  public static final int KTIME_GET_TAI_NS = 208;

  private HelperIds() {}
}
