package io.xdpemu.ebpf.vm;

/**
 * What the loader resolved that the instructions alone cannot say: the run-time value of each
 * {@code ld_imm64} whose src is not 0 (a map handle, a map value pointer, a function address) and
 * the helper behind each kfunc call ({@code call} with src 2, whose imm is a BTF id). The engines
 * ask once, when they pre-decode a program.
 */
public interface Linkage {
  /** The 64-bit value {@code ld_imm64} at {@code pc} loads (called only for src != 0). */
  long ldImm64(int pc);

  /** The kfunc called at {@code pc}, or null when unresolved. */
  Helper kfunc(int pc);

  /**
   * The map object ({@code io.xdpemu.ebpf.maps.BpfMap}; typed Object because this package cannot
   * name the maps) whose handle {@code ld_imm64} at {@code pc} loads, or null: what an engine binds
   * at a map helper call the verifier proved to use that map.
   */
  default Object map(int pc) {
    return null;
  }

  /** For programs without maps or kfuncs (conformance tests, plain ALU programs). */
  Linkage NONE =
      new Linkage() {
        @Override
        public long ldImm64(int pc) {
          throw new TrapException(pc, "ld_imm64 with a pseudo source was not linked");
        }

        @Override
        public Helper kfunc(int pc) {
          return null;
        }
      };
}
