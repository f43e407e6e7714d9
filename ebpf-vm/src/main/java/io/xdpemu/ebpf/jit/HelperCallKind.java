package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.helpers.HelperIds;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * What a helper call site may do besides returning r0, by helper id, as the kernel's verifier knows
 * it: only bpf_tail_call continues in another program, and only the callback-calling helpers
 * (is_callback_calling_function in kernel/bpf/verifier.c: for_each_map_elem, timer_set_callback,
 * find_vma, loop, user_ringbuf_drain) run a subprogram of the caller. Every other call site is
 * compiled without the callback hand-over and the tail-call continuation: less code per call (a
 * smaller method C2 inlines more readily) and two fewer field accesses per call. A kfunc may call
 * back (bpf_rbtree_add's less()) and a {@code callx} names its helper only at run time: both keep
 * everything.
 */
enum HelperCallKind {
  PLAIN(false, false),
  CALLS_BACK(true, false),
  TAIL_CALL(false, true),
  ANY(true, true);

  /** The call site hands the callback invoker of its depth to the helper (ctx.callbacks). */
  final boolean mayCallBack;

  /** The call site continues in ctx.tailCallTarget when the helper set it. */
  final boolean mayTailCall;

  HelperCallKind(boolean mayCallBack, boolean mayTailCall) {
    this.mayCallBack = mayCallBack;
    this.mayTailCall = mayTailCall;
  }

  /** bpf_timer_set_callback, bpf_find_vma, bpf_user_ringbuf_drain (no HelperIds entry yet). */
  private static final int TIMER_SET_CALLBACK = 170, FIND_VMA = 180, USER_RINGBUF_DRAIN = 209;

  static HelperCallKind of(Insn call) {
    if (call.opcode() != Opcodes.CALL_OP || call.src() != 0) {
      return ANY; // callx, kfunc
    }
    switch (call.imm()) {
      case HelperIds.TAIL_CALL:
        return TAIL_CALL;
      case HelperIds.FOR_EACH_MAP_ELEM:
      case TIMER_SET_CALLBACK:
      case FIND_VMA:
      case HelperIds.LOOP:
      case USER_RINGBUF_DRAIN:
        return CALLS_BACK;
      default:
        return PLAIN;
    }
  }
}
