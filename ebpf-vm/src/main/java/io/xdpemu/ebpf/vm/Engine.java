package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.UsageException;

/**
 * An execution engine ({@code --engine interp|jit}): turns a loaded {@link Program} into something
 * that runs. Every engine must pass the same conformance suite and agree bit for bit.
 */
public interface Engine {
  /** The name the command line uses ({@code interp}, {@code jit}). */
  String name();

  /** Prepares {@code program} (decoding, compiling); may cache per program. */
  Executable prepare(Program program);

  /** The engine for {@code --engine NAME}; a {@link UsageException} names the available ones. */
  static Engine byName(String name) {
    if (INTERPRETER.name().equals(name)) {
      return INTERPRETER;
    }
    if ("jit".equals(name)) {
      return io.xdpemu.ebpf.jit.JitEngine.INSTANCE;
    }
    throw new UsageException("unknown engine '" + name + "' (available: interp, jit)");
  }

  /** The interpreter. */
  Engine INTERPRETER =
      new Engine() {
        @Override
        public String name() {
          return "interp";
        }

        @Override
        public Executable prepare(Program program) {
          return Interpreter.forProgram(program);
        }
      };
}
