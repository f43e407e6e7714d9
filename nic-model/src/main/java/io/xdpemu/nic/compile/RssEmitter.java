package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.BASE;
import static io.xdpemu.nic.compile.SteerLocals.HASH;
import static io.xdpemu.nic.compile.SteerLocals.P;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The Toeplitz hash of an RSS field as straight-line code, in a small method of its own per field
 * position and size: the field's bytes read with the fewest wide big-endian loads (8, 4, 2, 1
 * bytes), then one lookup per input byte in the flat per-key table ({@code Toeplitz.flatTable}:
 * input position * 256 + byte value). The table is the class's {@code static final int[] RSS}, set
 * from the hidden class's class data, so HotSpot treats it as a constant: its length is known and
 * every index is a constant plus a byte, so no bounds check is left on it.
 */
final class RssEmitter implements Opcodes {

  static final String TABLE = "RSS";

  /** The static table field and the class initializer that reads it from the class data. */
  static void tableField(ClassVisitor cv, String self) {
    cv.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, TABLE, "[I", null, null).visitEnd();
    MethodVisitor mv = cv.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
    mv.visitCode();
    mv.visitMethodInsn(
        INVOKESTATIC,
        "java/lang/invoke/MethodHandles",
        "lookup",
        "()Ljava/lang/invoke/MethodHandles$Lookup;",
        false);
    mv.visitLdcInsn("_");
    mv.visitLdcInsn(org.objectweb.asm.Type.getType("[I"));
    mv.visitMethodInsn(
        INVOKESTATIC,
        "java/lang/invoke/MethodHandles",
        "classData",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;",
        false);
    mv.visitTypeInsn(CHECKCAST, "[I");
    mv.visitFieldInsn(PUTSTATIC, self, TABLE, "[I");
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  private final String own;
  private final String self;

  /** The (input position, bytes) of every hash method the steer code calls. */
  private final java.util.Set<java.util.List<Integer>> methods = new java.util.LinkedHashSet<>();

  /**
   * @param own the class being written (it holds the table and the hash methods)
   * @param self its superclass, CompiledFirmware (the loads)
   */
  RssEmitter(String own, String self) {
    this.own = own;
    this.self = self;
  }

  /**
   * In the steer method: {@code HASH = rss_POS_BYTES(p, BASE, HASH)}, the hash of a field of {@code
   * bytes} bytes at {@code p[BASE..]}, input positions from {@code pos}. A method per field keeps
   * steer under HotSpot's 8000-byte limit for compiling a method; the JIT inlines it back.
   */
  void hashField(MethodVisitor mv, int pos, int bytes) {
    // At most 8 bytes per method: small enough for the JIT to inline (an IPv6 address is two).
    for (int at = 0; at < bytes; at += 8) {
      int n = Math.min(8, bytes - at);
      methods.add(java.util.List.of(pos + at, n));
      mv.visitVarInsn(ALOAD, P);
      mv.visitVarInsn(ILOAD, BASE);
      if (at > 0) {
        push(mv, at);
        mv.visitInsn(IADD);
      }
      mv.visitVarInsn(ILOAD, HASH);
      mv.visitMethodInsn(INVOKESTATIC, own, name(pos + at, n), "([BII)I", false);
      mv.visitVarInsn(ISTORE, HASH);
    }
  }

  private static String name(int pos, int bytes) {
    return "rss_" + pos + "_" + bytes;
  }

  /** The hash methods {@link #hashField} called. */
  void emitMethods(ClassVisitor cv) {
    for (java.util.List<Integer> m : methods) {
      int pos = m.get(0);
      int bytes = m.get(1);
      MethodVisitor mv =
          cv.visitMethod(ACC_PRIVATE | ACC_STATIC, name(pos, bytes), "([BII)I", null, null);
      mv.visitCode();
      body(mv, pos, bytes);
      mv.visitVarInsn(ILOAD, M_HASH);
      mv.visitInsn(IRETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
  }

  // The hash method's locals: (byte[] p, int base, int hash), then the loaded bytes (long).
  private static final int M_P = 0;
  private static final int M_BASE = 1;
  private static final int M_HASH = 2;
  private static final int M_V = 3;

  /** {@code hash ^= table[(pos + i) * 256 + p[base + i]]} for each byte, wide loads. */
  private void body(MethodVisitor mv, int pos, int bytes) {
    int at = 0;
    while (at < bytes) {
      int left = bytes - at;
      int size = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
      load(mv, at, size);
      mv.visitVarInsn(LSTORE, M_V);
      for (int k = 0; k < size; k++) {
        mv.visitVarInsn(ILOAD, M_HASH);
        mv.visitFieldInsn(GETSTATIC, own, TABLE, "[I");
        push(mv, (pos + at + k) << 8);
        mv.visitVarInsn(LLOAD, M_V);
        int shift = 8 * (size - 1 - k);
        if (shift > 0) {
          push(mv, shift);
          mv.visitInsn(LUSHR);
        }
        mv.visitInsn(L2I);
        push(mv, 0xff);
        mv.visitInsn(IAND);
        mv.visitInsn(IADD); // constant + [0, 255]: an index the JIT proves in bounds
        mv.visitInsn(IALOAD);
        mv.visitInsn(IXOR);
        mv.visitVarInsn(ISTORE, M_HASH);
      }
      at += size;
    }
  }

  /** Pushes the {@code size}-byte big-endian value at {@code p[BASE + at]} as a long. */
  private void load(MethodVisitor mv, int at, int size) {
    mv.visitVarInsn(ALOAD, M_P);
    mv.visitVarInsn(ILOAD, M_BASE);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    if (size == 1) {
      mv.visitInsn(BALOAD);
      push(mv, 0xff);
      mv.visitInsn(IAND);
      mv.visitInsn(I2L);
      return;
    }
    mv.visitMethodInsn(INVOKESTATIC, self, "load" + size * 8, "([BI)J", false);
  }
}
