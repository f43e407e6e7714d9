package io.xdpemu.ebpf.vm;

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
