package io.xdpemu.nic;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.nic.compile.FirmwareCompiler;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.Classifier;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.rss.Toeplitz;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.objectweb.asm.ClassTooLargeException;
import org.objectweb.asm.MethodTooLargeException;

/**
 * A firmware compiled to JVM code, the way the eBPF JIT compiles programs: {@link FirmwareCompiler}
 * writes a hidden subclass whose {@code parse}, {@code ptype}, {@code rss}, {@code writeMetadata}
 * and {@code writeDescriptor} are the firmware's parse graph, packet-type rules, RSS field
 * extraction and layouts as straight-line code, every offset, width, mask and value a constant (the
 * Toeplitz table too: the hidden class's class data). The offsets, flow marks and which headers the
 * checksum verdicts cover are generated too (noted as headers are pushed); the checksum sums and
 * the indirection table are the interpreter's own code ({@code Checksums}, {@link Classifier}), so
 * there is one copy of them.
 *
 * <p>{@code -Dxdpemu.nic.dump=DIR} writes every generated class there (for {@code javap -c -p}).
 */
abstract class CompiledFirmware extends FirmwareCode {
  private static final String DUMP_DIR = System.getProperty("xdpemu.nic.dump");

  /** The RSS queue of a hash (the indirection table): fixed-function, not firmware code. */
  protected final Classifier classifier;

  private final int maxDepth;
  private final int scratchBytes;
  private final int metadataSize;
  private final int descriptorSize;

  protected CompiledFirmware(Firmware fw) {
    classifier = new Classifier(fw);
    maxDepth = fw.maxDepth();
    scratchBytes = classifier.scratchBytes();
    metadataSize = fw.metadataSize();
    descriptorSize = fw.descriptor().size();
  }

  /**
   * The compiled form of {@code fw}; the interpreter for a firmware whose code would exceed the
   * JVM's 64 KB method limit (as the eBPF JIT falls back).
   */
  static FirmwareCode compile(Firmware fw) {
    byte[] classFile;
    try {
      classFile = FirmwareCompiler.classFile(fw, hiddenName(fw), SUPER);
    } catch (MethodTooLargeException | ClassTooLargeException e) {
      return new InterpretedFirmware(fw);
    }
    dump(fw, classFile);
    try {
      // The Toeplitz table as class data: the class's static final RSS, a constant to the JIT.
      int[] rssTable = fw.rss() == null ? new int[0] : new Toeplitz(fw.rss().key()).flatTable();
      MethodHandles.Lookup hidden =
          MethodHandles.lookup().defineHiddenClassWithClassData(classFile, rssTable, true);
      return (FirmwareCode)
          hidden
              .findConstructor(
                  hidden.lookupClass(), MethodType.methodType(void.class, Firmware.class))
              .invoke(fw);
    } catch (Throwable e) { // a class the JVM refuses is a bug of ours: say which firmware
      throw new InternalErrorException("firmware compiler produced an invalid class for " + fw, e);
    }
  }

  private static final String SUPER = CompiledFirmware.class.getName().replace('.', '/');

  /** The class name shows in stack traces: the firmware's name in identifier characters. */
  private static String hiddenName(Firmware fw) {
    StringBuilder sb = new StringBuilder("io/xdpemu/nic/Firmware_");
    for (char ch : fw.name().toCharArray()) {
      sb.append(Character.isJavaIdentifierPart(ch) && ch < 128 ? ch : '_');
    }
    return sb.toString();
  }

  private static void dump(Firmware fw, byte[] classFile) {
    if (DUMP_DIR == null) {
      return;
    }
    String simple = hiddenName(fw).substring("io/xdpemu/nic/".length());
    try {
      java.nio.file.Files.write(java.nio.file.Path.of(DUMP_DIR, simple + ".class"), classFile);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot dump firmware class to " + DUMP_DIR, e);
    }
  }

  /** The packet-type rules (generated), given the header types the parse extracted (bit h). */
  abstract void ptype(ParseResult r, long seen);

  @Override
  final ParseResult newResult() {
    return new ParseResult(maxDepth);
  }

  @Override
  final int scratchBytes() {
    return scratchBytes;
  }

  @Override
  final int queueOf(int hash) {
    return classifier.queueOf(hash);
  }

  @Override
  final int metadataSize() {
    return metadataSize;
  }

  @Override
  final int descriptorSize() {
    return descriptorSize;
  }

  @Override
  final String engine() {
    return "compiled";
  }

  private static final VarHandle LE16 = view(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LE32 = view(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LE64 = view(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE16 = view(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE32 = view(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE64 = view(long[].class, ByteOrder.BIG_ENDIAN);

  private static VarHandle view(Class<?> array, ByteOrder order) {
    return MethodHandles.byteArrayViewVarHandle(array, order);
  }

  // One store per layout field (generated code calls these; the JIT inlines them): the low
  // 2, 4 or 8 bytes of v at dst[at], little- or big-endian, as LayoutWriter.store writes them.

  static void le16(byte[] dst, int at, long v) {
    LE16.set(dst, at, (short) v);
  }

  static void le32(byte[] dst, int at, long v) {
    LE32.set(dst, at, (int) v);
  }

  static void le64(byte[] dst, int at, long v) {
    LE64.set(dst, at, v);
  }

  static void be16(byte[] dst, int at, long v) {
    BE16.set(dst, at, (short) v);
  }

  static void be32(byte[] dst, int at, long v) {
    BE32.set(dst, at, (int) v);
  }

  static void be64(byte[] dst, int at, long v) {
    BE64.set(dst, at, v);
  }

  // Wide big-endian loads of frame bytes (generated code calls these; the JIT inlines them): one
  // bounds check per load instead of one per byte.

  static int u16(byte[] p, int at) {
    return (short) BE16.get(p, at) & 0xffff;
  }

  static long load16(byte[] p, int at) {
    return (short) BE16.get(p, at) & 0xffffL;
  }

  static long load32(byte[] p, int at) {
    return (int) BE32.get(p, at) & 0xffffffffL;
  }

  static long load64(byte[] p, int at) {
    return (long) BE64.get(p, at);
  }

  /**
   * For a {@code field:} layout source: the frame offset of the outermost instance of the header,
   * -1 when absent (the field then reads 0), as {@link LayoutWriter} finds it. Called from
   * generated code, which reads the field's bits itself.
   */
  static int firstOffset(ParseResult r, int header) {
    int[] type = r.type;
    for (int i = 0, n = r.count; i < n; i++) {
      if (type[i] == header) {
        return r.offset[i];
      }
    }
    return -1;
  }
}
