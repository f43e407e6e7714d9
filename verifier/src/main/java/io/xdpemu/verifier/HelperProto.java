package io.xdpemu.verifier;

import java.util.List;

/**
 * A helper's signature as the kernel declares it ({@code struct bpf_func_proto}): argument kinds
 * ({@code enum bpf_arg_type} with its flags folded in), return kind, and facts the verifier needs
 * (changes packet data, capability needed to call it from XDP).
 */
record HelperProto(
    int id, Ret ret, List<Arg> args, boolean changesPktData, Cap cap, int fixedSize) {

  /**
   * Whether argument {@code i} (from 0) is an address the helper reads through rather than a value
   * it uses: the source of the bpf_probe_read_{user,kernel}[_str] helpers.
   */
  boolean readsThrough(int i) {
    return i == 2 && id >= 112 && id <= 115;
  }

  /** Argument kinds; the kernel's flag combinations each get their own constant. */
  enum Arg {
    ANYTHING,
    CONST_MAP_PTR,
    PTR_TO_MAP_KEY,
    PTR_TO_MAP_VALUE,
    /** ARG_PTR_TO_MAP_VALUE | MEM_UNINIT | MEM_WRITE (pop/peek). */
    PTR_TO_UNINIT_MAP_VALUE,
    /** ARG_PTR_TO_MEM | MEM_RDONLY: readable initialized memory. */
    PTR_TO_MEM,
    /** ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY. */
    PTR_TO_MEM_OR_NULL,
    /** ARG_PTR_TO_MEM (writable, initialized: fib_lookup params). */
    PTR_TO_MEM_RW,
    /** ARG_PTR_TO_UNINIT_MEM: the helper fills it. */
    PTR_TO_UNINIT_MEM,
    /** ARG_PTR_TO_FIXED_SIZE_MEM | MEM_WRITE | MEM_ALIGNED with {@code fixedSize}. */
    PTR_TO_FIXED_SIZE_MEM,
    /**
     * ARG_PTR_TO_FIXED_SIZE_MEM, read, of sizeof(struct iphdr) (the tcp_raw_*_syncookie helpers).
     */
    PTR_TO_IPHDR,
    /** The same, sizeof(struct ipv6hdr). */
    PTR_TO_IPV6HDR,
    /** The same, sizeof(struct tcphdr). */
    PTR_TO_TCPHDR,
    CONST_SIZE,
    CONST_SIZE_OR_ZERO,
    CONST_ALLOC_SIZE_OR_ZERO,
    PTR_TO_CTX,
    PTR_TO_FUNC,
    PTR_TO_STACK_OR_NULL,
    /** ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE. */
    PTR_TO_RINGBUF_MEM_RELEASE,
    /** ARG_PTR_TO_BTF_ID_SOCK_COMMON | OBJ_RELEASE (sk_release). */
    PTR_TO_SOCK_RELEASE,
    PTR_TO_SPIN_LOCK,
    PTR_TO_TIMER
  }

  enum Ret {
    INTEGER,
    VOID,
    PTR_TO_MAP_VALUE_OR_NULL,
    PTR_TO_RINGBUF_MEM_OR_NULL,
    PTR_TO_SOCKET_OR_NULL,
    PTR_TO_SOCK_COMMON_OR_NULL
  }

  /** What the loader must hold (bpf_base_func_proto()'s CAP_BPF and CAP_PERFMON groups). */
  enum Cap {
    NONE,
    BPF,
    PERFMON
  }

  int argCount() {
    return args.size();
  }
}
