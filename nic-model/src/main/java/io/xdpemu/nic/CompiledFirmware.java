package io.xdpemu.nic;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.nic.compile.FirmwareCompiler;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.Bits;
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
 * extraction and layouts as straight-line code, every offset, width, mask and value a constant. The
 * fixed-function stages (offsets, checksums, flow marks, the indirection table) are the
 * interpreter's own code ({@link Classifier}), so there is one copy of them.
 *
 * <p>{@code -Dxdpemu.nic.dump=DIR} writes every generated class there (for {@code javap -c -p}).
 */
abstract class CompiledFirmware extends FirmwareCode {
  private static final String DUMP_DIR = System.getProperty("xdpemu.nic.dump");

  /** Offsets, checksums, flow marks and the RSS queue: fixed-function, not firmware code. */
  protected final Classifier classifier;

  /** Toeplitz table flattened: input byte position * 256 + byte value. */
  protected final int[] rssTable;

  private final int maxDepth;
  private final int scratchBytes;
  private final int metadataSize;
  private final int descriptorSize;

  protected CompiledFirmware(Firmware fw) {
    classifier = new Classifier(fw);
    rssTable = fw.rss() == null ? new int[0] : new Toeplitz(fw.rss().key()).flatTable();
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
      MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(classFile, true);
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

  /**
   * Folds {@code bytes} bytes at {@code p[base..]}, input positions {@code pos..}, into a Toeplitz
   * hash with the flat table. Called from generated code (the JIT inlines it).
   */
  static int toeplitz(int[] table, int hash, int pos, byte[] p, int base, int bytes) {
    for (int b = 0; b < bytes; b++) {
      hash ^= table[(pos + b) << 8 | (p[base + b] & 0xff)];
    }
    return hash;
  }

  /**
   * A {@code field:} layout source: the outermost instance of the header (0 when absent), as {@link
   * LayoutWriter} reads it. Called from generated code.
   */
  static long field(ParseResult r, byte[] pkt, int pktOff, int header, int bitOffset, int width) {
    for (int i = 0; i < r.count; i++) {
      if (r.type[i] == header) {
        return Bits.get(pkt, pktOff + r.offset[i], bitOffset, width);
      }
    }
    return 0;
  }
}
