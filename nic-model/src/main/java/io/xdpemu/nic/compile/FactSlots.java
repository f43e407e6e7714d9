package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Keeps the stack facts of the generated {@code steer} (offsets, VLAN tag, ports, checksum notes,
 * first/last instances: written during the parse, read after it) in an {@code int[]} of the result
 * ({@code ParseResult.steerFacts}) instead of in locals. Those values are live across the whole
 * parse graph: as locals, every merge point of the graph carries them, and C1's register allocator
 * ran out of virtual registers on the mynic firmwares' steer ("COMPILE SKIPPED: out of virtual
 * registers in linear scan"), leaving the method in the interpreter until C2 compiled it. In an
 * array they are plain loads and stores, which C2 was doing anyway for most of them (spills: a few
 * dozen values live at once across the graph, against ~14 registers).
 *
 * <p>A visitor between the emitters and the method: {@code ILOAD}/{@code ISTORE} of a local that
 * was given a slot become an array load/store; every other instruction passes through. Each slot is
 * set before the first state, every frame (the array outlives the frame), so nothing is read from
 * an earlier frame.
 */
final class FactSlots extends MethodVisitor implements Opcodes {
  private final int[] slotOf;
  private final int arrayLocal;
  private int slots;

  /**
   * @param locals how many locals the method may have (slots are given to some of them)
   * @param arrayLocal the local holding the array
   */
  FactSlots(MethodVisitor mv, int locals, int arrayLocal) {
    super(Opcodes.ASM9, mv);
    slotOf = new int[locals];
    java.util.Arrays.fill(slotOf, -1);
    this.arrayLocal = arrayLocal;
  }

  /** Gives {@code local} a slot of the array (before any code that uses it is written). */
  void keep(int local) {
    if (slotOf[local] < 0) {
      slotOf[local] = slots++;
    }
  }

  /** {@code int[] facts = r.steerFacts(slots)}: after every {@link #keep}, before any use. */
  void loadArray(int resultLocal) {
    super.visitVarInsn(ALOAD, resultLocal);
    Asm.push(mv, slots);
    super.visitMethodInsn(INVOKEVIRTUAL, RESULT, "steerFacts", "(I)[I", false);
    super.visitVarInsn(ASTORE, arrayLocal);
    if (slots > 0) {
      // One bounds check on the last slot first: C2 then drops the checks of every other slot
      // (a dominating range check covers the smaller constant indices).
      super.visitVarInsn(ALOAD, arrayLocal);
      Asm.push(mv, slots - 1);
      super.visitInsn(IALOAD);
      super.visitInsn(POP);
    }
  }

  @Override
  public void visitVarInsn(int opcode, int var) {
    int slot = var < slotOf.length ? slotOf[var] : -1;
    if (slot < 0) {
      super.visitVarInsn(opcode, var);
    } else if (opcode == ILOAD) {
      super.visitVarInsn(ALOAD, arrayLocal);
      Asm.push(mv, slot);
      super.visitInsn(IALOAD);
    } else if (opcode == ISTORE) { // value -> array, slot, value (no scratch local: fewer bytes)
      super.visitVarInsn(ALOAD, arrayLocal);
      super.visitInsn(SWAP);
      Asm.push(mv, slot);
      super.visitInsn(SWAP);
      super.visitInsn(IASTORE);
    } else {
      throw new IllegalStateException("opcode " + opcode + " on fact local " + var);
    }
  }

  @Override
  public void visitIincInsn(int var, int increment) {
    if (var < slotOf.length && slotOf[var] >= 0) {
      throw new IllegalStateException("iinc on fact local " + var);
    }
    super.visitIincInsn(var, increment);
  }
}
