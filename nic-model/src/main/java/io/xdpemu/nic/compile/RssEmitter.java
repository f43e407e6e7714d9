package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.HASH;
import static io.xdpemu.nic.compile.SteerLocals.P;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The Toeplitz hash of an RSS traffic class as straight-line code, in a method of its own per
 * class: the class's fields read as runs of adjacent bytes with the fewest wide big-endian loads
 * (8, 4, 2, 1 bytes), then one lookup per input byte in the flat per-key table ({@code
 * Toeplitz.flatTable}: input position * 256 + byte value). The table is the class's {@code static
 * final int[] RSS}, set from the hidden class's class data, so HotSpot treats it as a constant: its
 * length is known and every index is a constant plus a byte, so no bounds check is left on it.
 */
final class RssEmitter implements Opcodes {

  static final String TABLE = "RSS";

  /** The static table field; {@link #initTable} in the class initializer sets it. */
  static void tableField(ClassVisitor cv) {
    cv.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, TABLE, "[I", null, null).visitEnd();
  }

  /** In the class initializer: the table field from the class data. */
  static void initTable(MethodVisitor mv, String self) {
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
  }

  private final String own;
  private final String self;

  /** The runs of every hash method {@link #hashClass} called, by method index. */
  private final java.util.List<java.util.List<Run>> methods = new java.util.ArrayList<>();

  /**
   * @param own the class being written (it holds the table and the hash methods)
   * @param self its superclass, CompiledFirmware (the loads)
   */
  RssEmitter(String own, String self) {
    this.own = own;
    this.self = self;
  }

  /** The class being written. */
  String own() {
    return own;
  }

  /**
   * Bytes of the RSS input that lie next to each other in one header: {@code bytes} bytes at byte
   * {@code at} of the first instance of {@code header}, input positions from {@code pos}.
   */
  record Run(int header, int at, int bytes, int pos) {}

  /**
   * A traffic class's fields as runs: a field that continues the previous one in the same header
   * (the addresses, the ports) joins its run, so it is read with the previous one's wide loads.
   */
  static java.util.List<Run> runs(io.xdpemu.nic.firmware.Layout.FieldRef[] fields) {
    java.util.List<Run> runs = new java.util.ArrayList<>();
    int pos = 0;
    for (io.xdpemu.nic.firmware.Layout.FieldRef f : fields) {
      int at = f.bitOffset() / 8;
      int bytes = f.width() / 8;
      Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last.header() == f.header() && last.at() + last.bytes() == at) {
        runs.set(
            runs.size() - 1, new Run(last.header(), last.at(), last.bytes() + bytes, last.pos()));
      } else {
        runs.add(new Run(f.header(), at, bytes, pos));
      }
      pos += bytes;
    }
    return runs;
  }

  /** The most runs of any traffic class of {@code fw} (locals the steer method reserves). */
  static int maxRuns(io.xdpemu.nic.firmware.Firmware fw) {
    int m = 0;
    if (fw.rss() != null) {
      for (io.xdpemu.nic.firmware.RssConfig.TrafficClass tc : fw.rss().classes()) {
        m = Math.max(m, runs(tc.fields()).size());
      }
    }
    return m;
  }

  /**
   * In the steer method: {@code HASH = rss_N(p, base_0, .., base_k)}, the Toeplitz hash of a
   * class's runs, run i's bytes at {@code p[base_i..]} (the locals {@code bases}). One call per
   * frame: a method of its own keeps steer under HotSpot's 8000-byte limit for compiling a method.
   */
  void hashClass(MethodVisitor mv, java.util.List<Run> runs, int[] bases) {
    int m = methods.size();
    methods.add(runs);
    mv.visitVarInsn(ALOAD, P);
    for (int i = 0; i < runs.size(); i++) {
      mv.visitVarInsn(ILOAD, bases[i]);
    }
    mv.visitMethodInsn(INVOKESTATIC, own, "rss_" + m, descriptor(runs.size()), false);
    mv.visitVarInsn(ISTORE, HASH);
  }

  private static String descriptor(int runs) {
    return "([B" + "I".repeat(runs) + ")I";
  }

  /** The hash methods {@link #hashClass} called. */
  void emitMethods(ClassVisitor cv) {
    for (int m = 0; m < methods.size(); m++) {
      java.util.List<Run> runs = methods.get(m);
      MethodVisitor mv =
          cv.visitMethod(ACC_PRIVATE | ACC_STATIC, "rss_" + m, descriptor(runs.size()), null, null);
      mv.visitCode();
      int hash = 1 + runs.size();
      int v = hash + 1;
      push(mv, 0);
      mv.visitVarInsn(ISTORE, hash);
      for (int i = 0; i < runs.size(); i++) {
        body(mv, 1 + i, hash, v, runs.get(i).pos(), runs.get(i).bytes());
      }
      mv.visitVarInsn(ILOAD, hash);
      mv.visitInsn(IRETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
  }

  /**
   * {@code hash ^= table[(pos + i) * 256 + p[base + i]]} for each byte, wide loads (locals: p is 0,
   * then base, hash and the loaded bytes, a long).
   */
  private void body(MethodVisitor mv, int base, int hash, int v, int pos, int bytes) {
    int at = 0;
    while (at < bytes) {
      int left = bytes - at;
      int size = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
      load(mv, base, at, size);
      mv.visitVarInsn(LSTORE, v);
      for (int k = 0; k < size; k++) {
        mv.visitVarInsn(ILOAD, hash);
        mv.visitFieldInsn(GETSTATIC, own, TABLE, "[I");
        push(mv, (pos + at + k) << 8);
        mv.visitVarInsn(LLOAD, v);
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
        mv.visitVarInsn(ISTORE, hash);
      }
      at += size;
    }
  }

  /** Pushes the {@code size}-byte big-endian value at {@code p[base + at]} as a long. */
  private void load(MethodVisitor mv, int base, int at, int size) {
    mv.visitVarInsn(ALOAD, 0);
    mv.visitVarInsn(ILOAD, base);
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
