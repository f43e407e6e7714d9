package io.xdpemu.nic.compile;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Constant pushes and the big-endian bit-field read the generated code is made of. */
final class Asm implements Opcodes {
  private Asm() {}

  static final String RESULT = "io/xdpemu/nic/parse/ParseResult";
  static final String RESULT_DESC = "L" + RESULT + ";";

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
    loadByte(mv, pLocal, baseLocal, at);
    push(mv, 8);
    mv.visitInsn(ISHL);
    loadByte(mv, pLocal, baseLocal, at + 1);
    mv.visitInsn(IOR);
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
      // At most 24 bits: int arithmetic, widened once.
      for (int i = 0; i < nbytes; i++) {
        loadByte(mv, pLocal, baseLocal, first + i);
        if (i > 0) {
          mv.visitInsn(IOR);
        }
        if (i < nbytes - 1) {
          push(mv, 8);
          mv.visitInsn(ISHL);
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
