package io.xdpemu.ebpf.vm;

import io.xdpemu.ebpf.isa.Opcodes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Every eBPF arithmetic rule that is not a plain Java operator, written once so that the
 * interpreter and a later bytecode compiler share it (RFC 9669 section 4 and the kernel ISA doc's
 * notes on division). Values are the 64-bit register contents; 32-bit forms take and return the low
 * half and zero-extend their results, as every ALU (class 0x04) instruction does.
 *
 * <ul>
 *   <li>Unsigned division by zero yields 0; unsigned modulo by zero leaves the dividend (ALU
 *       truncates it to 32 bits).
 *   <li>Signed division/modulo ({@code sdiv}/{@code smod}, offset 1): by zero as above; {@code
 *       INT_MIN / -1 == INT_MIN} and {@code INT_MIN % -1 == 0} (kernel ISA doc, "docs/bpf: Document
 *       some special sdiv/smod operations"), which is exactly Java's {@code /} and {@code %}.
 *   <li>Shift counts are masked to 63 / 31, which is what Java's {@code long}/{@code int} shifts
 *       do.
 *   <li>Byte swaps truncate to their width ({@code le16} keeps the low 16 bits on a little-endian
 *       machine, {@code be16} swaps them).
 *   <li>Atomics ({@code STX|ATOMIC}, W or DW) are real atomics on the region's bytes, so maps
 *       shared between RX-queue threads count correctly; the 32-bit forms zero-extend the old value
 *       they return.
 * </ul>
 */
public final class AluSemantics {
  private AluSemantics() {}

  public static final long MASK32 = 0xffffffffL;

  public static long udiv64(long a, long b) {
    return b == 0 ? 0 : Long.divideUnsigned(a, b);
  }

  public static long umod64(long a, long b) {
    return b == 0 ? a : Long.remainderUnsigned(a, b);
  }

  public static long udiv32(long a, long b) {
    int d = (int) b;
    return d == 0 ? 0 : Integer.divideUnsigned((int) a, d) & MASK32;
  }

  public static long umod32(long a, long b) {
    int d = (int) b;
    return (d == 0 ? (int) a : Integer.remainderUnsigned((int) a, d)) & MASK32;
  }

  public static long sdiv64(long a, long b) {
    return b == 0 ? 0 : a / b; // Long.MIN_VALUE / -1 == Long.MIN_VALUE in Java, as in BPF
  }

  public static long smod64(long a, long b) {
    return b == 0 ? a : a % b; // truncated: -13 % 3 == -1; MIN % -1 == 0
  }

  public static long sdiv32(long a, long b) {
    int d = (int) b;
    return d == 0 ? 0 : ((int) a / d) & MASK32;
  }

  public static long smod32(long a, long b) {
    int d = (int) b;
    return (d == 0 ? (int) a : (int) a % d) & MASK32;
  }

  public static long lsh32(long a, long count) {
    return ((int) a << (int) count) & MASK32;
  }

  public static long rsh32(long a, long count) {
    return ((int) a >>> (int) count) & MASK32;
  }

  /** ARSH32 shifts the low word with bit 31 as the sign, then zero-extends. */
  public static long arsh32(long a, long count) {
    return ((int) a >> (int) count) & MASK32;
  }

  /** MOVSX: {@code dst = (s8/s16/s32) src}; the ALU form zero-extends the 32-bit result. */
  public static long movsx64(long src, int bits) {
    switch (bits) {
      case 8:
        return (byte) src;
      case 16:
        return (short) src;
      default:
        return (int) src;
    }
  }

  public static long movsx32(long src, int bits) {
    return (bits == 8 ? (byte) src : (short) src) & MASK32;
  }

  /** {@code le16/32/64} on a little-endian machine: truncation to the width only. */
  public static long toLe(long v, int width) {
    switch (width) {
      case 16:
        return v & 0xffff;
      case 32:
        return v & MASK32;
      default:
        return v;
    }
  }

  /** {@code be16/32/64} (on a little-endian machine) and ALU64 {@code bswap16/32/64}. */
  public static long bswap(long v, int width) {
    switch (width) {
      case 16:
        return Short.reverseBytes((short) v) & 0xffff;
      case 32:
        return Integer.reverseBytes((int) v) & MASK32;
      default:
        return Long.reverseBytes(v);
    }
  }

  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Performs atomic operation {@code op} (the imm of {@code STX|ATOMIC}: ADD/OR/AND/XOR with
   * optional FETCH, XCHG, CMPXCHG) on the 4- or 8-byte word at {@code bytes[off]} and returns the
   * old value (zero-extended for 32 bits). {@code operand} is the src register, {@code expected} r0
   * (used by CMPXCHG only). The caller has bounds-checked the access; {@code off} must be naturally
   * aligned (the verifier demands it for atomics), otherwise {@link IllegalStateException}.
   *
   * <p>Each operation is also its own small method ({@link #add64} ...): the JIT calls the one its
   * instruction names, which C2 inlines down to one locked instruction ({@code lock xadd}, or
   * {@code lock add} where the old value is unused, as the kernel's JIT emits for a fetch-less
   * BPF_ADD); this switch over all twelve is too large to inline.
   */
  public static long atomic(
      byte[] bytes, int off, boolean wide, int op, long operand, long expected) {
    if (wide) {
      switch (op & ~Opcodes.FETCH) {
        case Opcodes.ADD:
          return add64(bytes, off, operand);
        case Opcodes.OR:
          return or64(bytes, off, operand);
        case Opcodes.AND:
          return and64(bytes, off, operand);
        case Opcodes.XOR:
          return xor64(bytes, off, operand);
        case Opcodes.XCHG & ~Opcodes.FETCH:
          return xchg64(bytes, off, operand);
        case Opcodes.CMPXCHG & ~Opcodes.FETCH:
          return cmpxchg64(bytes, off, operand, expected);
        default:
          throw new IllegalArgumentException("atomic op " + op);
      }
    }
    switch (op & ~Opcodes.FETCH) {
      case Opcodes.ADD:
        return add32(bytes, off, operand);
      case Opcodes.OR:
        return or32(bytes, off, operand);
      case Opcodes.AND:
        return and32(bytes, off, operand);
      case Opcodes.XOR:
        return xor32(bytes, off, operand);
      case Opcodes.XCHG & ~Opcodes.FETCH:
        return xchg32(bytes, off, operand);
      case Opcodes.CMPXCHG & ~Opcodes.FETCH:
        return cmpxchg32(bytes, off, operand, expected);
      default:
        throw new IllegalArgumentException("atomic op " + op);
    }
  }

  /**
   * The method name of atomic operation {@code op} of width {@code wide} (see {@link #atomic}),
   * each {@code (byte[] bytes, int off, long operand[, long expected]) -> old}; null for no such
   * op.
   */
  public static String atomicMethod(int op, boolean wide) {
    String name;
    switch (op & ~Opcodes.FETCH) {
      case Opcodes.ADD:
        name = "add";
        break;
      case Opcodes.OR:
        name = "or";
        break;
      case Opcodes.AND:
        name = "and";
        break;
      case Opcodes.XOR:
        name = "xor";
        break;
      case Opcodes.XCHG & ~Opcodes.FETCH:
        name = "xchg";
        break;
      case Opcodes.CMPXCHG & ~Opcodes.FETCH:
        name = "cmpxchg";
        break;
      default:
        return null;
    }
    return name + (wide ? "64" : "32");
  }

  public static long add64(byte[] b, int off, long v) {
    return (long) I64.getAndAdd(b, off, v);
  }

  public static long or64(byte[] b, int off, long v) {
    return (long) I64.getAndBitwiseOr(b, off, v);
  }

  public static long and64(byte[] b, int off, long v) {
    return (long) I64.getAndBitwiseAnd(b, off, v);
  }

  public static long xor64(byte[] b, int off, long v) {
    return (long) I64.getAndBitwiseXor(b, off, v);
  }

  public static long xchg64(byte[] b, int off, long v) {
    return (long) I64.getAndSet(b, off, v);
  }

  public static long cmpxchg64(byte[] b, int off, long v, long expected) {
    return (long) I64.compareAndExchange(b, off, expected, v);
  }

  public static long add32(byte[] b, int off, long v) {
    return (int) I32.getAndAdd(b, off, (int) v) & MASK32;
  }

  public static long or32(byte[] b, int off, long v) {
    return (int) I32.getAndBitwiseOr(b, off, (int) v) & MASK32;
  }

  public static long and32(byte[] b, int off, long v) {
    return (int) I32.getAndBitwiseAnd(b, off, (int) v) & MASK32;
  }

  public static long xor32(byte[] b, int off, long v) {
    return (int) I32.getAndBitwiseXor(b, off, (int) v) & MASK32;
  }

  public static long xchg32(byte[] b, int off, long v) {
    return (int) I32.getAndSet(b, off, (int) v) & MASK32;
  }

  public static long cmpxchg32(byte[] b, int off, long v, long expected) {
    return (int) I32.compareAndExchange(b, off, (int) expected, (int) v) & MASK32;
  }
}
