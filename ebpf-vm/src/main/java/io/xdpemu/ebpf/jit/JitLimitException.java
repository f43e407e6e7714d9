package io.xdpemu.ebpf.jit;

/**
 * A program the JIT does not compile (its code would exceed a class-file limit such as the 64 KB of
 * bytecode per method); the engine then runs it in the interpreter instead. Never escapes the
 * engine.
 */
final class JitLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JitLimitException(String why) {
    super(why, null, false, false);
  }
}
