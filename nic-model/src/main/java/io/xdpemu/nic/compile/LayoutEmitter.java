package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.RESULT_DESC;
import static io.xdpemu.nic.compile.Asm.push;

import io.xdpemu.nic.firmware.Layout;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A metadata or descriptor layout as straight-line stores: {@code void NAME(byte[] dst, int base,
 * ParseResult r, RxFacts f, byte[] pkt, int pktOff)}. The bytes no scalar field covers (gaps,
 * padding, unions) are zeroed, every field is stored with one 1-, 2-, 4- or 8-byte store at a
 * constant offset in its byte order, and a union writes the member its packet type selects - the
 * block {@code io.xdpemu.nic.LayoutWriter} (the reference) writes after zeroing it whole.
 *
 * <p>Each top-level union is a method of its own ({@code NAME$u0}, ...), called at the union's
 * place: the writer's own bytecode stays under what the JIT inlines into the receive path (C2's
 * FreqInlineSize, 325 bytes), and so does each union's.
 */
final class LayoutEmitter implements Opcodes {
  private static final String FACTS = "io/xdpemu/nic/RxFacts";
  private static final int DST = 1;
  private static final int BASE = 2;
  private static final int R = 3;
  private static final int F = 4;
  private static final int PKT = 5;
  private static final int PKT_OFF = 6;
  private static final int PTYPE = 9; // long
  private static final int FIELD_BASE = 11; // int: pktOff + offset of a field: source's header
  private static final int FIRST_HEADER_LOCAL = 12; // ints: a header's first offset, found once

  /**
   * Header type -> the local holding its first offset (or -1), for the {@code field:} sources
   * emitted so far on the current path: fields of one header (e.g. IPv4 saddr and daddr) scan the
   * header stack once. A union member's entries are dropped after it (not on the other paths).
   */
  private Map<Integer, Integer> headerOffsetLocal = new HashMap<>();

  private int nextLocal = FIRST_HEADER_LOCAL;

  private final MethodVisitor mv;
  private final String self;

  /** Where a union's own method goes, and the class it is in; null inside a union's method. */
  private final ClassVisitor cv;

  private final String own;
  private final String name;
  private int unions;

  private LayoutEmitter(MethodVisitor mv, String self, ClassVisitor cv, String own, String name) {
    this.mv = mv;
    this.self = self;
    this.cv = cv;
    this.own = own;
    this.name = name;
  }

  static final String DESC = "([BI" + RESULT_DESC + "L" + FACTS + ";[BI)V";

  /**
   * Emits method {@code name} of class {@code own} writing {@code layout} (an empty method for
   * none); {@code self} is the class of the store helpers ({@code CompiledFirmware}).
   */
  static void emit(ClassVisitor cv, String name, Layout layout, String self, String own) {
    MethodVisitor mv = cv.visitMethod(0, name, DESC, null, null);
    mv.visitCode();
    if (layout != null) {
      LayoutEmitter e = new LayoutEmitter(mv, self, cv, own, name);
      e.zeroGaps(layout);
      e.fields(layout, 0);
    }
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /**
   * A top-level union as a call to a method of its own that writes it (same parameters: the
   * struct's base stays the block's, the union's offset is in its stores).
   */
  private void unionMethod(Layout.Union u, int at) {
    String method = name + "$u" + unions++;
    MethodVisitor umv = cv.visitMethod(ACC_PRIVATE, method, DESC, null, null);
    umv.visitCode();
    new LayoutEmitter(umv, self, null, own, method).union(u, at);
    umv.visitInsn(RETURN);
    umv.visitMaxs(0, 0);
    umv.visitEnd();
    for (int local = 0; local <= PKT_OFF; local++) {
      mv.visitVarInsn(local == BASE || local == PKT_OFF ? ILOAD : ALOAD, local);
    }
    mv.visitMethodInsn(INVOKESPECIAL, own, method, DESC, false);
  }

  private void zeroGaps(Layout layout) {
    boolean[] covered = new boolean[layout.size()];
    for (Layout.Member m : layout.fields()) {
      if (m.union() == null) {
        for (int b = m.offset(); b < m.offset() + m.scalar().size && b < covered.length; b++) {
          covered[b] = true;
        }
      }
    }
    // Each run of uncovered bytes as the fewest stores of zero: 8, then 4, 2, 1 bytes.
    int b = 0;
    while (b < covered.length) {
      if (covered[b]) {
        b++;
        continue;
      }
      int end = b;
      while (end < covered.length && !covered[end]) {
        end++;
      }
      while (b < end) {
        int size = end - b >= 8 ? 8 : end - b >= 4 ? 4 : end - b >= 2 ? 2 : 1;
        store(b, size, false, () -> push(mv, 0L));
        b += size;
      }
    }
  }

  /** dst[base + at .. + size) = the low {@code size} bytes of the long {@code value} pushes. */
  private void store(int at, int size, boolean bigEndian, Runnable value) {
    if (size == 1) {
      storeByteAt(
          at,
          () -> {
            value.run();
            mv.visitInsn(L2I);
          });
      return;
    }
    mv.visitVarInsn(ALOAD, DST);
    mv.visitVarInsn(ILOAD, BASE);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    value.run();
    String name = (bigEndian ? "be" : "le") + size * 8;
    mv.visitMethodInsn(INVOKESTATIC, self, name, "([BIJ)V", false);
  }

  /** Scalars in order, then unions, as the reference does; {@code at} is the struct's offset. */
  private void fields(Layout layout, int at) {
    for (Layout.Member m : layout.fields()) {
      if (m.union() == null) {
        store(at + m.offset(), m.scalar().size, m.scalar().bigEndian, () -> value(m));
      }
    }
    for (Layout.Member m : layout.fields()) {
      if (m.union() != null) {
        if (cv != null && at == 0) {
          unionMethod(m.union(), m.offset());
        } else {
          union(m.union(), at + m.offset());
        }
      }
    }
  }

  private void union(Layout.Union u, int at) {
    Label end = new Label();
    Label[] member = new Label[u.members().size()];
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, "ptype", "J");
    mv.visitVarInsn(LSTORE, PTYPE);
    for (int m = 0; m < member.length; m++) {
      member[m] = new Label();
    }
    if (!selectBySwitch(u, member, end)) {
      for (int m = 0; m < member.length; m++) {
        for (long p : u.members().get(m).ptypes()) {
          mv.visitVarInsn(LLOAD, PTYPE);
          push(mv, p);
          mv.visitInsn(LCMP);
          mv.visitJumpInsn(IFEQ, member[m]);
        }
      }
    }
    mv.visitJumpInsn(GOTO, end);
    for (int m = 0; m < member.length; m++) {
      mv.visitLabel(member[m]);
      Map<Integer, Integer> outer = headerOffsetLocal;
      headerOffsetLocal = new HashMap<>(outer);
      fields(u.members().get(m).layout(), at);
      headerOffsetLocal = outer;
      mv.visitJumpInsn(GOTO, end);
    }
    mv.visitLabel(end);
  }

  /**
   * When every packet type a member is chosen by is an int (the shipped firmwares' small numbers),
   * the member is chosen by one switch on the packet type rather than a chain of compares (one
   * indirect branch for the predictor instead of one per packet type tried); the first member
   * listing a type wins, as in the chain. Falls through to {@code none} for any other type.
   */
  private boolean selectBySwitch(Layout.Union u, Label[] member, Label none) {
    java.util.TreeMap<Integer, Label> cases = new java.util.TreeMap<>();
    for (int m = 0; m < member.length; m++) {
      for (long p : u.members().get(m).ptypes()) {
        if (p != (int) p) {
          return false;
        }
        cases.putIfAbsent((int) p, member[m]);
      }
    }
    if (cases.isEmpty()) {
      return false;
    }
    // (int) ptype only if ptype is an int: else no member.
    mv.visitVarInsn(LLOAD, PTYPE);
    mv.visitVarInsn(LLOAD, PTYPE);
    mv.visitInsn(L2I);
    mv.visitInsn(I2L);
    mv.visitInsn(LCMP);
    mv.visitJumpInsn(IFNE, none);
    mv.visitVarInsn(LLOAD, PTYPE);
    mv.visitInsn(L2I);
    int[] keys = new int[cases.size()];
    Label[] labels = new Label[cases.size()];
    int i = 0;
    for (var e : cases.entrySet()) {
      keys[i] = e.getKey();
      labels[i++] = e.getValue();
    }
    mv.visitLookupSwitchInsn(none, keys, labels);
    return true;
  }

  /** dst[base + at] = (byte) value. */
  private void storeByteAt(int at, Runnable value) {
    mv.visitVarInsn(ALOAD, DST);
    mv.visitVarInsn(ILOAD, BASE);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    value.run();
    mv.visitInsn(BASTORE);
  }

  private void resultInt(String field) {
    mv.visitVarInsn(ALOAD, R);
    mv.visitFieldInsn(GETFIELD, RESULT, field, "I");
    mv.visitInsn(I2L);
  }

  private void factLong(String field) {
    mv.visitVarInsn(ALOAD, F);
    mv.visitFieldInsn(GETFIELD, FACTS, field, "J");
  }

  private void factInt(String field) {
    mv.visitVarInsn(ALOAD, F);
    mv.visitFieldInsn(GETFIELD, FACTS, field, "I");
    mv.visitInsn(I2L);
  }

  /** Pushes RxFacts.bufferAddress(): dmaBase + (long) bufferIndex * frameSize. */
  private void bufferAddress() {
    factLong("dmaBase");
    factInt("bufferIndex");
    factInt("frameSize");
    mv.visitInsn(LMUL);
    mv.visitInsn(LADD);
  }

  /**
   * The local holding {@code firstOffset(r, header)}, computed here unless already on this path.
   */
  private int firstOffsetLocal(int header) {
    Integer known = headerOffsetLocal.get(header);
    if (known != null) {
      return known;
    }
    int local = nextLocal++;
    mv.visitVarInsn(ALOAD, R);
    push(mv, header);
    mv.visitMethodInsn(INVOKESTATIC, self, "firstOffset", "(" + RESULT_DESC + "I)I", false);
    mv.visitVarInsn(ISTORE, local);
    headerOffsetLocal.put(header, local);
    return local;
  }

  /** Pushes the field's value as a long, as {@code LayoutWriter.value} computes it. */
  private void value(Layout.Member m) {
    switch (m.source()) {
      case TIMESTAMP -> factLong("timestampNs");
      case RSS_HASH -> {
        resultInt("rssHash");
        push(mv, 0xffffffffL);
        mv.visitInsn(LAND);
      }
      case RSS_HASH_TYPE -> resultInt("rssHashType");
      case PTYPE -> {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, "ptype", "J");
      }
      case VLAN_TCI -> resultInt("vlanTci");
      case VLAN_PROTO -> resultInt("vlanProto");
      case L2_OFFSET -> resultInt("l2Offset");
      case L3_OFFSET -> resultInt("l3Offset");
      case L4_OFFSET -> resultInt("l4Offset");
      case INNER_L3_OFFSET -> resultInt("innerL3Offset");
      case INNER_L4_OFFSET -> resultInt("innerL4Offset");
      case L4_SPORT -> {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, "l4Ports", "I");
        push(mv, 16);
        mv.visitInsn(IUSHR);
        mv.visitInsn(I2L);
      }
      case L4_DPORT -> {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, "l4Ports", "I");
        push(mv, 0xffff);
        mv.visitInsn(IAND);
        mv.visitInsn(I2L);
      }
      case PAYLOAD_OFFSET -> resultInt("payloadOffset");
      case CHECKSUM_STATUS -> resultInt("checksumStatus");
      case FLOW_MARK -> {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, "flowMark", "J");
      }
      case RX_DESCRIPTOR -> {
        // RxFacts.descriptorAddress(): ringAddress + (long) ringIndex * descSize
        factLong("ringAddress");
        factInt("ringIndex");
        factInt("descSize");
        mv.visitInsn(LMUL);
        mv.visitInsn(LADD);
      }
      case BUFFER_ADDRESS -> bufferAddress();
      case DATA_ADDRESS -> {
        bufferAddress(); // RxFacts.dataAddress()
        factInt("headroom");
        mv.visitInsn(LADD);
      }
      case PACKET_LENGTH -> resultInt("packetLength");
      case HEADROOM -> factInt("headroom");
      case QUEUE -> factInt("queue");
      case PARSE_STATUS -> {
        mv.visitVarInsn(ALOAD, R);
        mv.visitFieldInsn(GETFIELD, RESULT, "status", "Lio/xdpemu/nic/parse/ParseStatus;");
        mv.visitMethodInsn(
            INVOKEVIRTUAL, "io/xdpemu/nic/parse/ParseStatus", "ordinal", "()I", false);
        mv.visitInsn(I2L);
      }
      case HEADER_COUNT -> resultInt("count");
      case RING_INDEX -> factInt("ringIndex");
      case CONST -> push(mv, m.argument());
      case FIELD -> {
        // o = firstOffset(r, header); o < 0 ? 0 : the field's bits at pkt[pktOff + o]
        Layout.FieldRef f = m.fieldRef();
        Label absent = new Label();
        Label done = new Label();
        int first = firstOffsetLocal(f.header());
        mv.visitVarInsn(ILOAD, first);
        mv.visitJumpInsn(IFLT, absent);
        mv.visitVarInsn(ILOAD, first);
        mv.visitVarInsn(ILOAD, PKT_OFF);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, FIELD_BASE);
        Asm.bits(mv, PKT, FIELD_BASE, f.bitOffset(), f.width());
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(absent);
        push(mv, 0L);
        mv.visitLabel(done);
      }
      case ZERO -> push(mv, 0L);
    }
  }
}
