package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.vm.CallbackInvoker;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.TrapException;

/**
 * How helpers call back into compiled code (bpf_loop, bpf_for_each_map_elem): the generated code
 * installs, before every helper call, the invoker for its own call depth, so that the callback runs
 * in the frame below the helper's caller, as the interpreter's {@code invoke} does (same checks,
 * same messages). Immutable, one per program and depth, shared by all threads.
 */
final class JitCallbacks implements CallbackInvoker {
  private final JitProgram program;
  private final int callerDepth;

  JitCallbacks(JitProgram program, int callerDepth) {
    this.program = program;
    this.callerDepth = callerDepth;
  }

  @Override
  public long invoke(
      ExecutionContext ctx, long function, long r1, long r2, long r3, long r4, long r5) {
    int pc = ctx.pc;
    if (function < 0 || function >= program.length()) {
      throw new TrapException(
          pc, "callback at instruction " + function + " is outside the program");
    }
    if (callerDepth + 1 >= ExecutionContext.MAX_FRAMES) {
      throw JitProgram.callStackTooDeep(pc);
    }
    try {
      return program
          .code()
          .callback(
              (int) function,
              program,
              ctx,
              callerDepth + 1,
              null,
              0,
              r1,
              r2,
              r3,
              r4,
              r5,
              0,
              0,
              0,
              0);
    } finally { // the helper may call back again: restore what its caller's call set up
      ctx.callbacks = this;
      ctx.pc = pc;
    }
  }
}
