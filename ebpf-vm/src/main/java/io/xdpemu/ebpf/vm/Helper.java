package io.xdpemu.ebpf.vm;

/**
 * A BPF helper (static id, {@code call imm}) or kfunc (BTF id, {@code call} with src 2). Arguments
 * arrive in r1..r5; the return value goes to r0. Helpers touch program memory only through {@link
 * ExecutionContext#memory()} so every access is bounds-checked, and report misuse by throwing
 * {@link TrapException} with {@code ctx.pc()}.
 */
@FunctionalInterface
public interface Helper {
  long call(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5);
}
