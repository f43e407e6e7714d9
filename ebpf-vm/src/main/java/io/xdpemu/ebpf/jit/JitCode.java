package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.vm.ExecutionContext;

/**
 * What a generated class implements: the program's main function entered at call depth {@code
 * depth} with the full register file r0..r9 (r10 follows from the depth). The run entry passes r1,
 * r2 and zeros; a tail call passes the caller's registers, as the kernel's bpf_tail_call keeps
 * them. {@code out} receives r1..r5 at exit (a BPF-to-BPF callee's caller-saved registers, which
 * the interpreter's shared register file leaves visible to the caller); it may be null.
 */
interface JitCode {
  long call(
      JitProgram p,
      ExecutionContext ctx,
      int depth,
      long[] out,
      long r0,
      long r1,
      long r2,
      long r3,
      long r4,
      long r5,
      long r6,
      long r7,
      long r8,
      long r9);

  /**
   * Function {@code entry} (a callback, ld_imm64 src 4) entered at call depth {@code depth}, for
   * bpf_loop / bpf_for_each_map_elem; traps when {@code entry} is not a function of the program.
   */
  long callback(
      int entry,
      JitProgram p,
      ExecutionContext ctx,
      int depth,
      long[] out,
      long r0,
      long r1,
      long r2,
      long r3,
      long r4,
      long r5,
      long r6,
      long r7,
      long r8,
      long r9);
}
