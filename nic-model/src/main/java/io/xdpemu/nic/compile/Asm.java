package io.xdpemu.nic.compile;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Constant pushes and the big-endian bit-field read the generated code is made of. */
final class Asm implements Opcodes {
  private Asm() {}

  static final String RESULT = "io/xdpemu/nic/parse/ParseResult";
  static final String RESULT_DESC = "L" + RESULT + ";";

  /**
   * Marks the code that follows with a line number, so a stack trace through the generated code
   * (with {@code -XX:+ShowHiddenFrames}) says which part it was in: 999/1999 the parse's entry and
   * exits, 1000 + state id the parse graph, 2000.. the classifier's stages (2100 + RSS class), 3000
   * + rule the packet-type rules.
   */
  static void line(MethodVisitor mv, int line) {
    org.objectweb.asm.Label l = new org.objectweb.asm.Label();
    mv.visitLabel(l);
    mv.visitLineNumber(line, l);
  }

  static void push(MethodVisitor mv, int v) {
    if (v >= -1 && v <= 5) {
      mv.visitInsn(ICONST_0 + v);
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      mv.visitIntInsn(BIPUSH, v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      mv.visitIntInsn(SIPUSH, v);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  static void push(MethodVisitor mv, long v) {
    if (v == 0 || v == 1) {
      mv.visitInsn(LCONST_0 + (int) v);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  /** {@code p[base + at] & 0xff} as an int. */
  private static void loadByte(MethodVisitor mv, int pLocal, int baseLocal, int at) {
    mv.visitVarInsn(ALOAD, pLocal);
    mv.visitVarInsn(ILOAD, baseLocal);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    mv.visitInsn(BALOAD);
    push(mv, 0xff);
    mv.visitInsn(IAND);
  }

  /** Pushes {@code (p[base + at] & 0xff) << 8 | p[base + at + 1] & 0xff} (an int). */
  static void u16(MethodVisitor mv, int pLocal, int baseLocal, int at) {
    wide(mv, pLocal, baseLocal, at, "u16", "([BI)I");
  }

  /** Where the wide big-endian loads live (static methods the JIT inlines). */
  static final String LOADS = "io/xdpemu/nic/CompiledFirmware";

  /**
   * Pushes {@code LOADS.name(p, base + at)}: one wide big-endian load, one bounds check for all of
   * its bytes, where a byte at a time costs one check each.
   */
  static void wide(MethodVisitor mv, int pLocal, int baseLocal, int at, String name, String desc) {
    mv.visitVarInsn(ALOAD, pLocal);
    mv.visitVarInsn(ILOAD, baseLocal);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    mv.visitMethodInsn(INVOKESTATIC, LOADS, name, desc, false);
  }

  /**
   * Pushes (as a long) {@code width} bits starting {@code bitOffset} bits after {@code p[base]},
   * bit 0 the MSB of the first byte: {@link io.xdpemu.nic.parse.Bits#get} with the offset and width
   * known, so the byte loads, shift and mask are constants.
   */
  static void bits(MethodVisitor mv, int pLocal, int baseLocal, int bitOffset, int width) {
    int first = bitOffset >>> 3;
    int shift = bitOffset & 7;
    int totalBits = shift + width;
    int nbytes = (totalBits + 7) >>> 3;
    if (width < 1 || width > 64) { // not a key or mask field: Bits.get's own answer, whatever it is
      mv.visitVarInsn(ALOAD, pLocal);
      mv.visitVarInsn(ILOAD, baseLocal);
      push(mv, bitOffset);
      push(mv, width);
      mv.visitMethodInsn(INVOKESTATIC, "io/xdpemu/nic/parse/Bits", "get", "([BIII)J", false);
      return;
    }
    if (nbytes <= 3) {
      // At most 24 bits: int arithmetic, widened once; two bytes as one load.
      if (nbytes == 1) {
        loadByte(mv, pLocal, baseLocal, first);
      } else {
        wide(mv, pLocal, baseLocal, first, "u16", "([BI)I");
        if (nbytes == 3) {
          push(mv, 8);
          mv.visitInsn(ISHL);
          loadByte(mv, pLocal, baseLocal, first + 2);
          mv.visitInsn(IOR);
        }
      }
      int down = nbytes * 8 - totalBits;
      if (down > 0) {
        push(mv, down);
        mv.visitInsn(IUSHR);
      }
      if (width < nbytes * 8) {
        push(mv, (1 << width) - 1);
        mv.visitInsn(IAND);
      }
      mv.visitInsn(I2L);
      return;
    }
    int loads = Math.min(nbytes, 8);
    if (loads == 4 || loads == 8) { // one wide load (a 9-byte span's first 8 bytes too)
      wide(mv, pLocal, baseLocal, first, "load" + loads * 8, "([BI)J");
      loads = 0;
    }
    for (int i = 0; i < loads; i++) {
      loadByte(mv, pLocal, baseLocal, first + i);
      mv.visitInsn(I2L);
      if (i > 0) {
        mv.visitInsn(LOR);
      }
      if (i < loads - 1) {
        push(mv, 8);
        mv.visitInsn(LSHL);
      }
    }
    if (nbytes <= 8) {
      int down = nbytes * 8 - totalBits;
      if (down > 0) {
        push(mv, down);
        mv.visitInsn(LUSHR);
      }
      if (width < 64) {
        push(mv, (1L << width) - 1);
        mv.visitInsn(LAND);
      }
      return;
    }
    // 64 bits not byte-aligned span 9 bytes.
    int extra = totalBits - 64;
    push(mv, extra);
    mv.visitInsn(LSHL);
    loadByte(mv, pLocal, baseLocal, first + 8);
    push(mv, 8 - extra);
    mv.visitInsn(IUSHR);
    mv.visitInsn(I2L);
    mv.visitInsn(LOR);
  }
}
