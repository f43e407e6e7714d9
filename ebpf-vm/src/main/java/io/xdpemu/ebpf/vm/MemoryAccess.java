package io.xdpemu.ebpf.vm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Loads and stores through region-tagged pointers (see {@link AddressSpace}), every one
 * bounds-checked. The fast paths are small enough for C2 to inline into the interpreter loop: one
 * table lookup, one overflow-safe range check, one little-endian {@link VarHandle} access. Region
 * ids 0 (NULL) and 1 (the xdp_md context) always take the slow path: NULL traps, and context loads
 * are converted the way the kernel's {@code xdp_convert_ctx_access()} rewrites them.
 *
 * <p>xdp_md as the program sees it (include/uapi/linux/bpf.h), all fields u32:
 *
 * <pre>
 *   0 data   4 data_end   8 data_meta   12 ingress_ifindex   16 rx_queue_index   20 egress_ifindex
 * </pre>
 *
 * A 32-bit load of data/data_end/data_meta yields a full 64-bit PACKET pointer (the kernel rewrites
 * it into a 64-bit load of {@code xdp_buff->data}); any other size, a misaligned offset or a store
 * traps, as {@code xdp_is_valid_access()} would have refused it.
 */
public final class MemoryAccess {
  private MemoryAccess() {}

  static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** First region id served by the fast path (NULL and CONTEXT are not plain memory). */
  private static final int FIRST_PLAIN = AddressSpace.CONTEXT + 1;

  /**
   * The region for a plain access of {@code size} bytes, or null when the slow path must decide.
   */
  private static Region fast(ExecutionContext ctx, long addr, int size) {
    Region[] table = ctx.memory().table();
    long id = addr >>> 32;
    if (id >= FIRST_PLAIN && id < table.length) {
      Region r = table[(int) id];
      int off = (int) addr;
      if (r != null && off >= r.lo() && off <= r.hi() - size) {
        return r;
      }
    }
    return null;
  }

  public static long load8(ExecutionContext ctx, long addr, int pc) {
    Region r = fast(ctx, addr, 1);
    return r != null ? r.bytes()[(int) addr] & 0xffL : slowLoad(ctx, addr, 1, pc);
  }

  public static long load16(ExecutionContext ctx, long addr, int pc) {
    Region r = fast(ctx, addr, 2);
    return r != null
        ? (short) I16.get(r.bytes(), (int) addr) & 0xffffL
        : slowLoad(ctx, addr, 2, pc);
  }

  public static long load32(ExecutionContext ctx, long addr, int pc) {
    Region r = fast(ctx, addr, 4);
    return r != null
        ? (int) I32.get(r.bytes(), (int) addr) & 0xffffffffL
        : slowLoad(ctx, addr, 4, pc);
  }

  public static long load64(ExecutionContext ctx, long addr, int pc) {
    Region r = fast(ctx, addr, 8);
    return r != null ? (long) I64.get(r.bytes(), (int) addr) : slowLoad(ctx, addr, 8, pc);
  }

  /**
   * MEMSX loads (ldxsb/ldxsh/ldxsw): sign-extended. On the context they read the field as a plain
   * load would and sign-extend it, as the kernel's convert_ctx_accesses() rewrites them (it accepts
   * only 4-byte ones on xdp_md: {@code *(s32 *)(r1 + 12)} is the ifindex). The pointer fields
   * (data, data_end, data_meta) cannot be sign-extended: the verifier refuses that, and without it
   * the run traps.
   */
  public static long loadSigned(ExecutionContext ctx, long addr, int size, int pc) {
    if (AddressSpace.regionId(addr) == AddressSpace.CONTEXT && AddressSpace.offset(addr) < 12) {
      throw new TrapException(
          pc,
          String.format(
              "sign-extending load of size %d from an xdp_md pointer field at 0x%x", size, addr));
    }
    switch (size) {
      case 1:
        return (byte) load8(ctx, addr, pc);
      case 2:
        return (short) load16(ctx, addr, pc);
      default:
        return (int) load32(ctx, addr, pc);
    }
  }

  public static void store8(ExecutionContext ctx, long addr, long v, int pc) {
    Region r = fast(ctx, addr, 1);
    if (r != null && !r.readOnly()) {
      r.bytes()[(int) addr] = (byte) v;
    } else {
      slowStore(ctx, addr, 1, v, pc);
    }
  }

  public static void store16(ExecutionContext ctx, long addr, long v, int pc) {
    Region r = fast(ctx, addr, 2);
    if (r != null && !r.readOnly()) {
      I16.set(r.bytes(), (int) addr, (short) v);
    } else {
      slowStore(ctx, addr, 2, v, pc);
    }
  }

  public static void store32(ExecutionContext ctx, long addr, long v, int pc) {
    Region r = fast(ctx, addr, 4);
    if (r != null && !r.readOnly()) {
      I32.set(r.bytes(), (int) addr, (int) v);
    } else {
      slowStore(ctx, addr, 4, v, pc);
    }
  }

  public static void store64(ExecutionContext ctx, long addr, long v, int pc) {
    Region r = fast(ctx, addr, 8);
    if (r != null && !r.readOnly()) {
      I64.set(r.bytes(), (int) addr, v);
    } else {
      slowStore(ctx, addr, 8, v, pc);
    }
  }

  /**
   * Executes {@code STX|ATOMIC} of {@code size} bytes at {@code addr}; returns the old value
   * (zero-extended for 32 bits).
   */
  public static long atomic(
      ExecutionContext ctx, long addr, int size, int op, long operand, long expected, int pc) {
    if (AddressSpace.regionId(addr) == AddressSpace.CONTEXT) {
      throw new TrapException(pc, String.format("atomic operation on xdp_md at 0x%x", addr));
    }
    Region r = ctx.memory().check(pc, addr, size, true);
    int off = (int) addr;
    if ((off & (size - 1)) != 0) {
      throw new TrapException(
          pc, String.format("misaligned atomic access at 0x%x size %d, region %s", addr, size, r));
    }
    try {
      return AluSemantics.atomic(r.bytes(), off, size == 8, op, operand, expected);
    } catch (IllegalStateException e) { // byte[] base not aligned for this JVM's layout
      throw new TrapException(
          pc, String.format("misaligned atomic access at 0x%x size %d, region %s", addr, size, r));
    }
  }

  private static final VarHandle I8 = MethodHandles.arrayElementVarHandle(byte[].class);

  /** Load-acquire ({@code STX|ATOMIC} imm 0x100): zero-extended, naturally aligned. */
  public static long loadAcquire(ExecutionContext ctx, long addr, int size, int pc) {
    Region r = orderedAccess(ctx, addr, size, false, pc);
    byte[] b = r.bytes();
    int off = (int) addr;
    try {
      switch (size) {
        case 1:
          return (byte) I8.getAcquire(b, off) & 0xffL;
        case 2:
          return (short) I16.getAcquire(b, off) & 0xffffL;
        case 4:
          return (int) I32.getAcquire(b, off) & 0xffffffffL;
        default:
          return (long) I64.getAcquire(b, off);
      }
    } catch (IllegalStateException e) {
      throw misaligned(addr, size, r, pc);
    }
  }

  /** Store-release ({@code STX|ATOMIC} imm 0x110), naturally aligned. */
  public static void storeRelease(ExecutionContext ctx, long addr, int size, long v, int pc) {
    Region r = orderedAccess(ctx, addr, size, true, pc);
    byte[] b = r.bytes();
    int off = (int) addr;
    try {
      switch (size) {
        case 1:
          I8.setRelease(b, off, (byte) v);
          break;
        case 2:
          I16.setRelease(b, off, (short) v);
          break;
        case 4:
          I32.setRelease(b, off, (int) v);
          break;
        default:
          I64.setRelease(b, off, v);
      }
    } catch (IllegalStateException e) {
      throw misaligned(addr, size, r, pc);
    }
  }

  private static Region orderedAccess(
      ExecutionContext ctx, long addr, int size, boolean write, int pc) {
    if (AddressSpace.regionId(addr) == AddressSpace.CONTEXT) {
      throw new TrapException(pc, String.format("atomic access to xdp_md at 0x%x", addr));
    }
    Region r = ctx.memory().check(pc, addr, size, write);
    if (((int) addr & (size - 1)) != 0) {
      throw misaligned(addr, size, r, pc);
    }
    return r;
  }

  private static TrapException misaligned(long addr, int size, Region r, int pc) {
    return new TrapException(
        pc, String.format("misaligned atomic access at 0x%x size %d, region %s", addr, size, r));
  }

  private static long slowLoad(ExecutionContext ctx, long addr, int size, int pc) {
    if (AddressSpace.regionId(addr) == AddressSpace.CONTEXT) {
      return contextLoad(ctx, addr, size, pc);
    }
    Region r = ctx.memory().check(pc, addr, size, false); // traps with region, address and size
    byte[] b = r.bytes();
    int off = (int) addr;
    switch (size) {
      case 1:
        return b[off] & 0xffL;
      case 2:
        return (short) I16.get(b, off) & 0xffffL;
      case 4:
        return (int) I32.get(b, off) & 0xffffffffL;
      default:
        return (long) I64.get(b, off);
    }
  }

  private static void slowStore(ExecutionContext ctx, long addr, int size, long v, int pc) {
    if (AddressSpace.regionId(addr) == AddressSpace.CONTEXT) {
      throw new TrapException(
          pc,
          String.format("store of size %d to xdp_md at 0x%x (context is read-only)", size, addr));
    }
    Region r = ctx.memory().check(pc, addr, size, true);
    byte[] b = r.bytes();
    int off = (int) addr;
    switch (size) {
      case 1:
        b[off] = (byte) v;
        break;
      case 2:
        I16.set(b, off, (short) v);
        break;
      case 4:
        I32.set(b, off, (int) v);
        break;
      default:
        I64.set(b, off, v);
    }
  }

  /** Offsets of struct xdp_md's fields. */
  public static final int XDP_MD_DATA = 0,
      XDP_MD_DATA_END = 4,
      XDP_MD_DATA_META = 8,
      XDP_MD_INGRESS_IFINDEX = 12,
      XDP_MD_RX_QUEUE_INDEX = 16,
      XDP_MD_EGRESS_IFINDEX = 20,
      XDP_MD_SIZE = 24;

  /** The kernel's conversion of xdp_md loads (net/core/filter.c xdp_convert_ctx_access). */
  static long contextLoad(ExecutionContext ctx, long addr, int size, int pc) {
    int off = (int) addr;
    if (size != 4 || off < 0 || off >= XDP_MD_SIZE || (off & 3) != 0) {
      throw new TrapException(
          pc,
          String.format(
              "invalid xdp_md access at 0x%x size %d (only aligned u32 fields 0..20)", addr, size));
    }
    XdpBuff x = ctx.xdp();
    switch (off) {
      case XDP_MD_DATA:
        return AddressSpace.pointer(AddressSpace.PACKET, x.data);
      case XDP_MD_DATA_END:
        return AddressSpace.pointer(AddressSpace.PACKET, x.end);
      case XDP_MD_DATA_META:
        return AddressSpace.pointer(AddressSpace.PACKET, x.meta);
      case XDP_MD_INGRESS_IFINDEX:
        return x.ingressIfindex & 0xffffffffL;
      case XDP_MD_RX_QUEUE_INDEX:
        return x.rxQueueIndex & 0xffffffffL;
      default:
        return x.egressIfindex & 0xffffffffL;
    }
  }
}
