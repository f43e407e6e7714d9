package io.xdpemu.ebpf.jit;

/**
 * Local-variable layout of a generated function method and the descriptors the generated code uses.
 * Every eBPF register is a {@code long} local, so C2 allocates them to machine registers.
 *
 * <pre>
 *   slot  0     JitProgram p        (run-time support: helpers, kfuncs, tail calls)
 *   slot  1     ExecutionContext ctx
 *   slot  2     int depth           (BPF-to-BPF call depth, 0 = main program)
 *   slot  3     long[] out          (receives r1..r5 at exit; null until a call needs it)
 *   slot  4+2i  long ri, i = 0..9   (unverified code: r0..r9 are the parameters; verified code:
 *                                    the parameters are packed from slot 4 and moved here, see
 *                                    FunctionParameters)
 *   slot 24     long r10            (framePointer(depth))
 *   slot 26     long budget         (ctx.budget, synced at calls, tail calls and exit)
 *   slot 28     int runStart        (first pc of the current straight-line run)
 *   slot 29     JitProgram          (the target of a statically bound tail call)
 * </pre>
 */
final class Frame {
  private Frame() {}

  static final int P = 0, CTX = 1, DEPTH = 2, OUT = 3, BUDGET = 26, RUN_START = 28;
  static final int TAIL_TARGET = 29;

  static int reg(int r) {
    return 4 + 2 * r;
  }

  static final String PROGRAM = "io/xdpemu/ebpf/jit/JitProgram";
  static final String CODE = "io/xdpemu/ebpf/jit/JitCode";
  static final String CONTEXT = "io/xdpemu/ebpf/vm/ExecutionContext";
  static final String MEMORY = "io/xdpemu/ebpf/vm/MemoryAccess";
  static final String PROVEN = "io/xdpemu/ebpf/jit/ProvenAccess";
  static final String PROVEN_ATOMICS = "io/xdpemu/ebpf/jit/ProvenAtomics";
  static final String ALU = "io/xdpemu/ebpf/vm/AluSemantics";
  static final String HELPER = "io/xdpemu/ebpf/vm/Helper";
  static final String CALLBACKS = "io/xdpemu/ebpf/jit/JitCallbacks";
  static final String CTX_D = "L" + CONTEXT + ";";
  static final String TRAP_D = "Lio/xdpemu/ebpf/vm/TrapException;";

  /** (p, ctx, depth, out, r0..r9) -> r0: function methods, JitCode.call and tail calls. */
  static final String FUNCTION_D = "(L" + PROGRAM + ";" + CTX_D + "I[J" + "J".repeat(10) + ")J";

  /** JitProgram.tailCall: (ctx, depth, out, r0..r9) -> r0. */
  static final String TAIL_CALL_D = "(" + CTX_D + "I[J" + "J".repeat(10) + ")J";
}
