package io.xdpemu.ebpf.jit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes one class file (JVMS chapter 4): a public final class with methods and no fields.
 *
 * <pre>
 *   magic CAFEBABE | minor 0 | major 49 | constant pool | access | this | super | interfaces
 *   | fields (0) | methods: access name descriptor, one Code attribute each | attributes (0)
 * </pre>
 *
 * <p>Version 49 (Java 5) on purpose: such classes are checked by the JVM's type-inferencing
 * verifier, so no StackMapTable attribute has to be computed.
 */
final class ClassFileWriter {
  static final int ACC_PUBLIC = 0x0001, ACC_PRIVATE = 0x0002, ACC_STATIC = 0x0008;
  static final int ACC_FINAL = 0x0010, ACC_SUPER = 0x0020;
  private static final int MAJOR_VERSION = 49;

  private final ConstantPool cp = new ConstantPool();
  private final String name;
  private final String[] interfaces;
  private final ByteArrayOutputStream methodBytes = new ByteArrayOutputStream();
  private final DataOutputStream methods = new DataOutputStream(methodBytes);
  private int methodCount;

  ClassFileWriter(String internalName, String... interfaces) {
    this.name = internalName;
    this.interfaces = interfaces;
  }

  ConstantPool pool() {
    return cp;
  }

  String name() {
    return name;
  }

  /**
   * Adds a method whose body is {@code code}; {@code maxStack} may overestimate (the verifier only
   * checks that the stack never exceeds it).
   */
  void addMethod(
      int access, String methodName, String descriptor, byte[] code, int maxStack, int maxLocals) {
    try {
      methods.writeShort(access);
      methods.writeShort(cp.utf8(methodName));
      methods.writeShort(cp.utf8(descriptor));
      methods.writeShort(1); // attributes: Code
      methods.writeShort(cp.utf8("Code"));
      methods.writeInt(2 + 2 + 4 + code.length + 2 + 2);
      methods.writeShort(maxStack);
      methods.writeShort(maxLocals);
      methods.writeInt(code.length);
      methods.write(code);
      methods.writeShort(0); // exception table
      methods.writeShort(0); // attributes of Code
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    methodCount++;
  }

  byte[] toByteArray() {
    int thisClass = cp.classRef(name);
    int superClass = cp.classRef("java/lang/Object");
    int[] ifaces = new int[interfaces.length];
    for (int i = 0; i < ifaces.length; i++) {
      ifaces[i] = cp.classRef(interfaces[i]);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(0xCAFEBABE);
      out.writeShort(0);
      out.writeShort(MAJOR_VERSION);
      out.writeShort(cp.count());
      out.write(cp.toByteArray());
      out.writeShort(ACC_PUBLIC | ACC_FINAL | ACC_SUPER);
      out.writeShort(thisClass);
      out.writeShort(superClass);
      out.writeShort(ifaces.length);
      for (int i : ifaces) {
        out.writeShort(i);
      }
      out.writeShort(0); // fields
      out.writeShort(methodCount);
      out.write(methodBytes.toByteArray());
      out.writeShort(0); // class attributes
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
