package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.RESULT;
import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.*;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The checksum verdicts as generated code: what {@code Checksums.status} finds by walking the
 * level-0 headers after the parse (the first IP header, the IP header the first TCP/UDP header
 * belongs to, whether a fragment or a routing header with segments left came between) is noted as
 * each header is pushed, each header's protocol known when the code is written; after the parse
 * only the sums are left ({@code Checksums.l3Verdict}, {@code l4VerdictAt}, the interpreter's own
 * code). A firmware that checks nothing gets no code at all. The walk's rules, push by push:
 *
 * <ul>
 *   <li>only headers at level 0 count (levels never decrease, so the walk's stop at the first
 *       deeper header is "level 0 at push": only the outer part of the graph notes them), and
 *       nothing after the TCP/UDP header that decided;
 *   <li>the first IPv4/IPv6 header is the L3 one (checked when IPv4);
 *   <li>each IPv4/IPv6 header becomes the one L4 belongs to and makes L4 checkable again; a
 *       fragment header, or a routing header (introduced by next header 43 in the header before it)
 *       with segments left, makes it uncheckable;
 *   <li>a TCP/UDP header after some IP header decides: verdict when checkable, none otherwise.
 * </ul>
 */
final class ChecksumEmitter implements Opcodes {
  private static final String CHECKSUMS = "io/xdpemu/nic/parse/Checksums";

  private final MethodVisitor mv;
  private final boolean l3;
  private final boolean l4;

  /** Whether a routing header can occur: then the next-header byte of each header is noted. */
  private final boolean extHeaders;

  ChecksumEmitter(Firmware fw, MethodVisitor mv) {
    this.mv = mv;
    l3 = fw.checksumL3();
    l4 = fw.checksumL4();
    extHeaders = l4 && fw.headers().stream().anyMatch(h -> h.protocol() == Protocol.IPV6_EXT);
  }

  /** After header {@code h} was pushed at CURSOR with length HL (COUNT is its index). */
  void pushed(HeaderType h) {
    Protocol proto = h.protocol();
    boolean ip = proto == Protocol.IPV4 || proto == Protocol.IPV6;
    boolean transport = proto == Protocol.TCP || proto == Protocol.UDP;
    boolean ext = proto == Protocol.IPV6_EXT || proto == Protocol.IPV6_FRAG;
    boolean l3Code = l3 && ip;
    boolean l4Code = l4 && (ip || transport || ext);
    if (!l3Code && !l4Code && !extHeaders) {
      return;
    }
    Label skip = new Label(); // only at level 0: steer's outer part (ParseGraphEmitter.Part)
    if (l4) { // decided: nothing later counts
      mv.visitVarInsn(ILOAD, CS_L4);
      push(mv, -1);
      mv.visitJumpInsn(IF_ICMPNE, skip);
    }
    if (l3Code) {
      firstIp(proto == Protocol.IPV4);
    }
    if (l4 && ip) { // CS_IP = count << 2 | v4 << 1 | 1 (checkable)
      mv.visitVarInsn(ILOAD, COUNT);
      push(mv, 2);
      mv.visitInsn(ISHL);
      push(mv, proto == Protocol.IPV4 ? 3 : 1);
      mv.visitInsn(IOR);
      mv.visitVarInsn(ISTORE, CS_IP);
    } else if (l4 && proto == Protocol.IPV6_FRAG) {
      uncheckable();
    } else if (l4 && proto == Protocol.IPV6_EXT) {
      routingWithSegmentsLeft();
    }
    if (l4 && transport) {
      decide(proto == Protocol.TCP);
    }
    if (extHeaders) { // where the header a routing header follows says what comes next
      mv.visitVarInsn(ILOAD, CURSOR);
      if (proto == Protocol.IPV6) {
        push(mv, 6);
        mv.visitInsn(IADD);
      }
      mv.visitVarInsn(ISTORE, CS_NH);
    }
    mv.visitLabel(skip);
  }

  /** CS_IP &= ~1: L4 not checkable (before any IP header -1 becomes -2, still "none"). */
  private void uncheckable() {
    mv.visitVarInsn(ILOAD, CS_IP);
    push(mv, ~1);
    mv.visitInsn(IAND);
    mv.visitVarInsn(ISTORE, CS_IP);
  }

  /**
   * The first IP header at level 0: IPv4 is checked (CS_L3 = its stack index), IPv6 only ends the
   * search (-2).
   */
  private void firstIp(boolean v4) {
    Label set = new Label();
    mv.visitVarInsn(ILOAD, CS_L3);
    push(mv, -1);
    mv.visitJumpInsn(IF_ICMPNE, set);
    if (v4) {
      mv.visitVarInsn(ILOAD, COUNT);
    } else {
      push(mv, -2);
    }
    mv.visitVarInsn(ISTORE, CS_L3);
    mv.visitLabel(set);
  }

  /** if (count > 0 && p[off + nh] == 43 && p[off + cursor + 3] != 0) uncheckable */
  private void routingWithSegmentsLeft() {
    Label keep = new Label();
    mv.visitVarInsn(ILOAD, COUNT);
    mv.visitJumpInsn(IFLE, keep);
    byteAt(CS_NH, 0);
    push(mv, 43);
    mv.visitJumpInsn(IF_ICMPNE, keep);
    byteAt(CURSOR, 3);
    mv.visitJumpInsn(IFEQ, keep);
    uncheckable();
    mv.visitLabel(keep);
  }

  /** Pushes {@code p[off + local + at] & 0xff}. */
  private void byteAt(int local, int at) {
    mv.visitVarInsn(ALOAD, P);
    mv.visitVarInsn(ILOAD, OFF);
    mv.visitVarInsn(ILOAD, local);
    mv.visitInsn(IADD);
    if (at != 0) {
      push(mv, at);
      mv.visitInsn(IADD);
    }
    mv.visitInsn(BALOAD);
    push(mv, 0xff);
    mv.visitInsn(IAND);
  }

  /**
   * A TCP/UDP header after an IP header decides the L4 verdict; nothing later counts: CS_L4 = count
   * << 1 | tcp when checkable, -2 (decided, no verdict) otherwise.
   */
  private void decide(boolean tcp) {
    Label noIp = new Label();
    Label unchecked = new Label();
    Label decided = new Label();
    mv.visitVarInsn(ILOAD, CS_IP);
    mv.visitJumpInsn(IFLT, noIp);
    mv.visitVarInsn(ILOAD, CS_IP);
    push(mv, 1);
    mv.visitInsn(IAND);
    mv.visitJumpInsn(IFEQ, unchecked);
    mv.visitVarInsn(ILOAD, COUNT);
    push(mv, 1);
    mv.visitInsn(ISHL);
    if (tcp) {
      push(mv, 1);
      mv.visitInsn(IOR);
    }
    mv.visitJumpInsn(GOTO, decided);
    mv.visitLabel(unchecked);
    push(mv, -2);
    mv.visitLabel(decided);
    mv.visitVarInsn(ISTORE, CS_L4);
    mv.visitLabel(noIp);
  }

  /** Pushes {@code array[local >> shift]} (the stack entry an encoded fact names). */
  private void entry(int array, int local, int shift) {
    mv.visitVarInsn(ALOAD, array);
    mv.visitVarInsn(ILOAD, local);
    if (shift > 0) {
      push(mv, shift);
      mv.visitInsn(ISHR);
    }
    mv.visitInsn(IALOAD);
  }

  /**
   * Pushes {@code Checksums.l4VerdictAt(p, off + offset[ip], length[ip], off + offset[l4],
   * length[l4], kind, off + len)}, the stack indices and the kind bits decoded from CS_IP and
   * CS_L4.
   */
  private void l4VerdictAt() {
    mv.visitVarInsn(ALOAD, P);
    mv.visitVarInsn(ILOAD, OFF);
    entry(OFFSET, CS_IP, 2);
    mv.visitInsn(IADD);
    entry(LENGTH, CS_IP, 2);
    mv.visitVarInsn(ILOAD, OFF);
    entry(OFFSET, CS_L4, 1);
    mv.visitInsn(IADD);
    entry(LENGTH, CS_L4, 1);
    // kind: CS_IP's v4 bit (value 2) is L4_OVER_IPV4, CS_L4's tcp bit (value 1) L4_TCP
    mv.visitVarInsn(ILOAD, CS_IP);
    push(mv, 2);
    mv.visitInsn(IAND);
    mv.visitVarInsn(ILOAD, CS_L4);
    push(mv, 1);
    mv.visitInsn(IAND);
    mv.visitInsn(IOR);
    mv.visitVarInsn(ILOAD, OFF);
    mv.visitVarInsn(ILOAD, LEN);
    mv.visitInsn(IADD);
    mv.visitMethodInsn(INVOKESTATIC, CHECKSUMS, "l4VerdictAt", "([BIIIIII)I", false);
  }

  /** After the parse: {@code r.checksumStatus} from the verdicts of what was noted. */
  void emitStatus() {
    mv.visitVarInsn(ALOAD, R);
    push(mv, 0);
    if (l3) {
      Label none = new Label();
      mv.visitVarInsn(ILOAD, CS_L3);
      mv.visitJumpInsn(IFLT, none);
      mv.visitVarInsn(ALOAD, P);
      mv.visitVarInsn(ILOAD, OFF);
      entry(OFFSET, CS_L3, 0);
      mv.visitInsn(IADD);
      entry(LENGTH, CS_L3, 0);
      mv.visitMethodInsn(INVOKESTATIC, CHECKSUMS, "l3Verdict", "([BII)I", false);
      mv.visitInsn(IOR);
      mv.visitLabel(none);
    }
    if (l4) {
      Label none = new Label();
      mv.visitVarInsn(ILOAD, CS_L4);
      mv.visitJumpInsn(IFLT, none);
      l4VerdictAt();
      mv.visitInsn(IOR);
      mv.visitLabel(none);
    }
    mv.visitFieldInsn(PUTFIELD, RESULT, "checksumStatus", "I");
  }
}
