package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.facts.ProgramFacts;

/**
 * An execution engine ({@code --engine interp|jit}): turns a loaded {@link Program} into something
 * that runs. Every engine must pass the same conformance suite and agree bit for bit. {@code
 * io.xdpemu.ebpf.engines.Engines} finds one by name.
 */
public interface Engine {
  /** The name the command line uses ({@code interp}, {@code jit}). */
  String name();

  /** Prepares {@code program} (decoding, compiling); may cache per program. */
  Executable prepare(Program program);

  /**
   * Prepares a program the verifier accepted, with what it proved: an engine may drop the run-time
   * checks the facts make redundant (the interpreter keeps them all); both sanitize dead code as
   * the kernel does ({@link DeadCode}).
   */
  default Executable prepare(Program program, ProgramFacts facts) {
    return prepare(program);
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

        @Override
        public Executable prepare(Program program, ProgramFacts facts) {
          return Interpreter.forProgram(program, facts); // keeps every check; drops dead code
        }
      };
}
