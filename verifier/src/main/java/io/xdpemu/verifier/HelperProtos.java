package io.xdpemu.verifier;

import static io.xdpemu.verifier.HelperProto.Arg.ANYTHING;
import static io.xdpemu.verifier.HelperProto.Arg.CONST_ALLOC_SIZE_OR_ZERO;
import static io.xdpemu.verifier.HelperProto.Arg.CONST_MAP_PTR;
import static io.xdpemu.verifier.HelperProto.Arg.CONST_SIZE;
import static io.xdpemu.verifier.HelperProto.Arg.CONST_SIZE_OR_ZERO;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_CTX;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_FIXED_SIZE_MEM;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_FUNC;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_MAP_KEY;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_MAP_VALUE;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_MEM;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_MEM_OR_NULL;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_MEM_RW;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_RINGBUF_MEM_RELEASE;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_SOCK_RELEASE;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_SPIN_LOCK;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_STACK_OR_NULL;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_UNINIT_MAP_VALUE;
import static io.xdpemu.verifier.HelperProto.Arg.PTR_TO_UNINIT_MEM;

import io.xdpemu.verifier.HelperProto.Arg;
import io.xdpemu.verifier.HelperProto.Cap;
import io.xdpemu.verifier.HelperProto.Ret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The helpers an XDP program may call: {@code xdp_func_proto()} (net/core/filter.c) plus {@code
 * bpf_base_func_proto()} (kernel/bpf/helpers.c), with their prototypes as Linux 6.12/6.18 declare
 * them. Ids are the uapi {@code enum bpf_func_id}. A helper missing here is rejected with the
 * kernel's "program of this type cannot use helper" message.
 */
final class HelperProtos {
  private HelperProtos() {}

  static final int MAP_LOOKUP_ELEM = 1;
  static final int MAP_UPDATE_ELEM = 2;
  static final int MAP_DELETE_ELEM = 3;
  static final int GET_SMP_PROCESSOR_ID = 8;
  static final int TAIL_CALL = 12;
  static final int XDP_ADJUST_HEAD = 44;
  static final int XDP_ADJUST_META = 54;
  static final int XDP_ADJUST_TAIL = 65;
  static final int LOOP = 181;
  static final int FOR_EACH_MAP_ELEM = 164;
  static final int XDP_STORE_BYTES = 190;

  private static final Map<Integer, HelperProto> PROTOS = new HashMap<>();

  private static void def(int id, Ret ret, Cap cap, Arg... args) {
    PROTOS.put(id, new HelperProto(id, ret, List.of(args), false, cap, 0));
  }

  private static void defPkt(int id, Arg... args) {
    PROTOS.put(id, new HelperProto(id, Ret.INTEGER, List.of(args), true, Cap.NONE, 0));
  }

  static {
    Ret i = Ret.INTEGER;
    Cap n = Cap.NONE;
    // bpf_base_func_proto(), available to every loader
    def(MAP_LOOKUP_ELEM, Ret.PTR_TO_MAP_VALUE_OR_NULL, n, CONST_MAP_PTR, PTR_TO_MAP_KEY);
    def(MAP_UPDATE_ELEM, i, n, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING);
    def(MAP_DELETE_ELEM, i, n, CONST_MAP_PTR, PTR_TO_MAP_KEY);
    def(87, i, n, CONST_MAP_PTR, PTR_TO_MAP_VALUE, ANYTHING); // map_push_elem
    def(88, i, n, CONST_MAP_PTR, PTR_TO_UNINIT_MAP_VALUE); // map_pop_elem
    def(89, i, n, CONST_MAP_PTR, PTR_TO_UNINIT_MAP_VALUE); // map_peek_elem
    def(195, Ret.PTR_TO_MAP_VALUE_OR_NULL, n, CONST_MAP_PTR, PTR_TO_MAP_KEY, ANYTHING);
    def(7, i, n); // get_prandom_u32
    def(8, i, n); // get_smp_processor_id
    def(42, i, n); // get_numa_node_id
    // Measured on 6.18: packet pointers stay valid after a tail call that returned.
    def(TAIL_CALL, Ret.VOID, n, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING);
    def(5, i, n); // ktime_get_ns
    def(125, i, n); // ktime_get_boot_ns
    def(208, i, n); // ktime_get_tai_ns
    def(130, i, n, CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING); // ringbuf_output
    def(131, Ret.PTR_TO_RINGBUF_MEM_OR_NULL, n, CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING);
    def(132, Ret.VOID, n, PTR_TO_RINGBUF_MEM_RELEASE, ANYTHING); // ringbuf_submit
    def(133, Ret.VOID, n, PTR_TO_RINGBUF_MEM_RELEASE, ANYTHING); // ringbuf_discard
    def(134, i, n, CONST_MAP_PTR, ANYTHING); // ringbuf_query
    def(FOR_EACH_MAP_ELEM, i, n, CONST_MAP_PTR, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING);
    def(LOOP, i, n, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING);
    // CAP_BPF group
    Cap b = Cap.BPF;
    def(93, Ret.VOID, b, PTR_TO_SPIN_LOCK); // spin_lock
    def(94, Ret.VOID, b, PTR_TO_SPIN_LOCK); // spin_unlock
    def(118, i, b); // jiffies64
    def(160, i, b); // ktime_get_coarse_ns
    // CAP_PERFMON group
    Cap p = Cap.PERFMON;
    // trace_printk: bpf_trace_printk_proto types only fmt and fmt_size; the three format
    // arguments are ARG_DONTCARE, so r3-r5 may be uninitialized (kernel/trace/bpf_trace.c).
    def(6, i, p, PTR_TO_MEM, CONST_SIZE);
    def(35, i, p); // get_current_task
    def(112, i, p, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING); // probe_read_user
    def(113, i, p, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING); // probe_read_kernel
    def(114, i, p, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING); // probe_read_user_str
    def(115, i, p, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING); // probe_read_kernel_str
    def(158, i, p); // get_current_task_btf
    // xdp_func_proto()
    def(25, i, n, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO);
    def(
        28,
        i,
        n,
        PTR_TO_MEM_OR_NULL,
        CONST_SIZE_OR_ZERO,
        PTR_TO_MEM_OR_NULL,
        CONST_SIZE_OR_ZERO,
        ANYTHING); // csum_diff
    defPkt(XDP_ADJUST_HEAD, PTR_TO_CTX, ANYTHING);
    defPkt(XDP_ADJUST_META, PTR_TO_CTX, ANYTHING);
    defPkt(XDP_ADJUST_TAIL, PTR_TO_CTX, ANYTHING);
    def(23, i, n, ANYTHING, ANYTHING); // redirect
    def(51, i, n, CONST_MAP_PTR, ANYTHING, ANYTHING); // redirect_map
    def(188, i, n, PTR_TO_CTX); // xdp_get_buff_len
    def(189, i, n, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE); // xdp_load_bytes
    defPkt(XDP_STORE_BYTES, PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE);
    def(69, i, n, PTR_TO_CTX, PTR_TO_MEM_RW, CONST_SIZE, ANYTHING); // fib_lookup
    PROTOS.put(
        163,
        new HelperProto(
            163,
            i,
            List.of(PTR_TO_CTX, ANYTHING, PTR_TO_FIXED_SIZE_MEM, ANYTHING, ANYTHING),
            false,
            n,
            4)); // check_mtu
    def(100, i, n, PTR_TO_MEM, CONST_SIZE, PTR_TO_MEM, CONST_SIZE); // tcp_check_syncookie
    def(110, i, n, PTR_TO_MEM, CONST_SIZE, PTR_TO_MEM, CONST_SIZE); // tcp_gen_syncookie
    // tcp_raw_{gen,check}_syncookie_ipv{4,6} (CONFIG_SYN_COOKIES), gpl_only
    def(204, i, n, Arg.PTR_TO_IPHDR, PTR_TO_MEM, CONST_SIZE_OR_ZERO);
    def(205, i, n, Arg.PTR_TO_IPV6HDR, PTR_TO_MEM, CONST_SIZE_OR_ZERO);
    def(206, i, n, Arg.PTR_TO_IPHDR, Arg.PTR_TO_TCPHDR);
    def(207, i, n, Arg.PTR_TO_IPV6HDR, Arg.PTR_TO_TCPHDR);
    def(
        85,
        Ret.PTR_TO_SOCKET_OR_NULL,
        n,
        PTR_TO_CTX,
        PTR_TO_MEM,
        CONST_SIZE_OR_ZERO,
        ANYTHING,
        ANYTHING); // sk_lookup_udp
    def(
        84,
        Ret.PTR_TO_SOCKET_OR_NULL,
        n,
        PTR_TO_CTX,
        PTR_TO_MEM,
        CONST_SIZE_OR_ZERO,
        ANYTHING,
        ANYTHING); // sk_lookup_tcp
    def(
        99,
        Ret.PTR_TO_SOCK_COMMON_OR_NULL,
        n,
        PTR_TO_CTX,
        PTR_TO_MEM,
        CONST_SIZE_OR_ZERO,
        ANYTHING,
        ANYTHING); // skc_lookup_tcp
    def(86, i, n, PTR_TO_SOCK_RELEASE); // sk_release
  }

  static HelperProto get(int id) {
    return PROTOS.get(id);
  }

  static boolean allowedFor(HelperProto p, boolean bpfCapable, boolean perfmon) {
    switch (p.cap()) {
      case BPF:
        return bpfCapable;
      case PERFMON:
        return perfmon;
      default:
        return true;
    }
  }
}
