package io.xdpemu.ebpf.vm;

/**
 * How a helper calls back into the running program: {@code bpf_loop} and {@code
 * bpf_for_each_map_elem} take a callback, a BPF subprogram whose address the program loaded with
 * {@code ld_imm64} src 4 (BPF_PSEUDO_FUNC). The engine that runs the program installs itself in
 * {@link ExecutionContext#callbacks}; the helper passes back the function value exactly as the
 * program had it in its register (the engine defines what that value encodes, through its {@link
 * Linkage}) and gets the callback's r0. The callback runs on the same context, in a new call frame
 * below the helper's caller, as the kernel's callbacks do.
 */
@FunctionalInterface
public interface CallbackInvoker {
  long invoke(ExecutionContext ctx, long function, long r1, long r2, long r3, long r4, long r5);
}
