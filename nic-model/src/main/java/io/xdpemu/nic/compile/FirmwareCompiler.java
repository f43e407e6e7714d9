package io.xdpemu.nic.compile;

import io.xdpemu.nic.firmware.Firmware;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Writes the class of a compiled firmware: a subclass of {@code io.xdpemu.nic.CompiledFirmware}
 * with the steer stage (parse graph, packet-type rules, RSS, flow marks: {@link SteerEmitter}) and
 * the metadata and descriptor writers ({@link LayoutEmitter}) as methods. The caller defines it as
 * a hidden class of its package.
 */
public final class FirmwareCompiler implements Opcodes {
  private FirmwareCompiler() {}

  /**
   * The class file; throws ASM's {@code MethodTooLargeException} when a method would exceed the
   * JVM's limit (the caller then keeps the interpreter).
   *
   * <p>The caller defines the class with the firmware's flat Toeplitz table ({@code
   * Toeplitz.flatTable}, an {@code int[]}, empty without RSS) as its class data.
   *
   * @param name internal name of the class to write
   * @param superName internal name of {@code CompiledFirmware}
   */
  public static byte[] classFile(Firmware fw, String name, String superName) {
    ClassWriter cw =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
          @Override
          protected String getCommonSuperClass(String a, String b) {
            return "java/lang/Object"; // locals never merge two different reference types
          }
        };
    cw.visit(V17, ACC_FINAL | ACC_SUPER, name, null, superName, null);
    cw.visitSource(fw.source(), null);
    constructor(cw, superName);
    RssEmitter.tableField(cw);
    PtypeEmitter.tableFields(cw);
    MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
    clinit.visitCode();
    RssEmitter.initTable(clinit, name);
    PtypeEmitter.initTables(clinit, fw, name);
    clinit.visitInsn(RETURN);
    clinit.visitMaxs(0, 0);
    clinit.visitEnd();
    SteerEmitter.emit(cw, fw, name, superName);
    LayoutEmitter.emit(cw, "writeMetadata", fw.metadata(), superName, name);
    LayoutEmitter.emit(cw, "writeDescriptor", fw.descriptor(), superName, name);
    cw.visitEnd();
    return cw.toByteArray();
  }

  private static void constructor(ClassWriter cw, String superName) {
    String desc = "(Lio/xdpemu/nic/firmware/Firmware;)V";
    MethodVisitor mv = cw.visitMethod(0, "<init>", desc, null, null);
    mv.visitCode();
    mv.visitVarInsn(ALOAD, 0);
    mv.visitVarInsn(ALOAD, 1);
    mv.visitMethodInsn(INVOKESPECIAL, superName, "<init>", desc, false);
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }
}
