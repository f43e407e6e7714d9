package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.vm.AluSemantics;

/**
 * Read-modify-write atomics on proven, aligned stack or map-value bytes: one small method per
 * operation and width ({@link AluSemantics#atomicMethod} names it), each {@code (bytes, addr,
 * operand, expected, pc) -> old}, so that C2 inlines the call site down to the one locked
 * instruction (the generic {@link AluSemantics#atomic} switch is too large to inline, and left the
 * operation to be chosen at run time). {@code expected} is r0, used by CMPXCHG only. A fault is a
 * verifier bug ({@link ProvenAccessFaultedException}), as for {@link ProvenAccess}.
 */
final class ProvenAtomics {
  private ProvenAtomics() {}

  static final String DESCRIPTOR = "([BJJJI)J";

  static long add64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.add64(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long or64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.or64(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long and64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.and64(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long xor64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.xor64(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long xchg64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.xchg64(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long cmpxchg64(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.cmpxchg64(b, (int) addr, v, expected);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static long add32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.add32(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long or32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.or32(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long and32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.and32(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long xor32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.xor32(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long xchg32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.xchg32(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long cmpxchg32(byte[] b, long addr, long v, long expected, int pc) {
    try {
      return AluSemantics.cmpxchg32(b, (int) addr, v, expected);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }
}
