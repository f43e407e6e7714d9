package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.MemoryAccess;
import io.xdpemu.ebpf.vm.Region;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Loads and stores the verifier proved in bounds ({@link io.xdpemu.ebpf.facts.MemoryFact}): the
 * object is known at compile time, so there is no region-tag decode and no bounds check of ours,
 * only the array access itself (whose JVM index check still keeps a verifier bug from reaching
 * outside the object's array). Offsets are the pointer's low half, an index into the object's
 * bytes, as for {@link MemoryAccess}.
 *
 * <p>The soundness net: should a proven access fault after all (the JVM's index check, a missing
 * region), that is a verifier bug, and it surfaces as {@link ProvenAccessFaultedException}, never
 * as a trap a program could legitimately cause.
 */
final class ProvenAccess {
  private ProvenAccess() {}

  private static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The bytes behind a proven pointer of each kind (see {@code MemoryFact.Kind}). */
  static byte[] packet(ExecutionContext ctx) {
    return ctx.packet().bytes();
  }

  static byte[] stack(ExecutionContext ctx) {
    return ctx.stack().bytes();
  }

  /**
   * The bytes of the map value a proven pointer points into: those the last lookup returned when
   * the pointer names its region ({@link ExecutionContext#valueRegion}), else the region table's,
   * which then become the cached pair.
   */
  static byte[] mapValue(ExecutionContext ctx, long addr, int pc) {
    int id = AddressSpace.regionId(addr);
    if (id == ctx.valueRegion) {
      return ctx.valueBytes;
    }
    Region r = ctx.memory().region(addr);
    if (r == null) {
      throw ProvenAccessFaultedException.at(pc, addr, 0, null);
    }
    if (id >= AddressSpace.FIRST_SHARED) {
      ctx.valueRegion = id;
      ctx.valueBytes = r.bytes();
    }
    return r.bytes();
  }

  static long load8(byte[] b, long addr, int pc) {
    try {
      return b[(int) addr] & 0xffL;
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 1, e);
    }
  }

  static long load16(byte[] b, long addr, int pc) {
    try {
      return (short) I16.get(b, (int) addr) & 0xffffL;
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 2, e);
    }
  }

  static long load32(byte[] b, long addr, int pc) {
    try {
      return (int) I32.get(b, (int) addr) & 0xffffffffL;
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static long load64(byte[] b, long addr, int pc) {
    try {
      return (long) I64.get(b, (int) addr);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  static void store8(byte[] b, long addr, long v, int pc) {
    try {
      b[(int) addr] = (byte) v;
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 1, e);
    }
  }

  static void store16(byte[] b, long addr, long v, int pc) {
    try {
      I16.set(b, (int) addr, (short) v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 2, e);
    }
  }

  static void store32(byte[] b, long addr, long v, int pc) {
    try {
      I32.set(b, (int) addr, (int) v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 4, e);
    }
  }

  static void store64(byte[] b, long addr, long v, int pc) {
    try {
      I64.set(b, (int) addr, v);
    } catch (RuntimeException e) {
      throw ProvenAccessFaultedException.at(pc, addr, 8, e);
    }
  }

  // xdp_md fields at a proven constant offset: the kernel's xdp_convert_ctx_access, one per field.

  static long ctxData(ExecutionContext ctx) {
    return AddressSpace.pointer(AddressSpace.PACKET, ctx.xdp().data);
  }

  static long ctxDataEnd(ExecutionContext ctx) {
    return AddressSpace.pointer(AddressSpace.PACKET, ctx.xdp().end);
  }

  static long ctxDataMeta(ExecutionContext ctx) {
    return AddressSpace.pointer(AddressSpace.PACKET, ctx.xdp().meta);
  }

  static long ctxIngressIfindex(ExecutionContext ctx) {
    return ctx.xdp().ingressIfindex & 0xffffffffL;
  }

  static long ctxRxQueueIndex(ExecutionContext ctx) {
    return ctx.xdp().rxQueueIndex & 0xffffffffL;
  }

  static long ctxEgressIfindex(ExecutionContext ctx) {
    return ctx.xdp().egressIfindex & 0xffffffffL;
  }

  /** The method reading xdp_md field {@code field}, or null for an offset that is no field. */
  static String contextReader(int field) {
    switch (field) {
      case MemoryAccess.XDP_MD_DATA:
        return "ctxData";
      case MemoryAccess.XDP_MD_DATA_END:
        return "ctxDataEnd";
      case MemoryAccess.XDP_MD_DATA_META:
        return "ctxDataMeta";
      case MemoryAccess.XDP_MD_INGRESS_IFINDEX:
        return "ctxIngressIfindex";
      case MemoryAccess.XDP_MD_RX_QUEUE_INDEX:
        return "ctxRxQueueIndex";
      case MemoryAccess.XDP_MD_EGRESS_IFINDEX:
        return "ctxEgressIfindex";
      default:
        return null;
    }
  }
}
