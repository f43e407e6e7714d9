package io.xdpemu.nic.compile;

import static io.xdpemu.nic.compile.Asm.push;
import static io.xdpemu.nic.compile.SteerLocals.*;

import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What the classifier needs from the header stack, noted as each header is pushed instead of
 * searched for afterwards: the header's protocol and layer are known when the code is generated, so
 * each push updates only the facts its layer can change. The rules are {@link
 * io.xdpemu.nic.parse.Classifier#offsets}'s: first L2/L3/L4 at level 0, first L3/L4 at the deepest
 * level (levels only grow during a parse, so that is the last level seen), the outer ports, the
 * outermost VLAN tag; what the checksum verdicts need ({@link ChecksumEmitter}); plus the first
 * instance of each header at level 0 (RSS fields, flow marks), the set of header types seen (a
 * quick necessary condition for every rule) and the rules of one or two headers ({@link RuleBits}).
 */
final class StackFacts implements Opcodes {
  private final MethodVisitor mv;
  private final SteerLocals locals;
  private final boolean[] firstAtLevel0Used;
  private final ChecksumEmitter checksums;
  private final RuleBits ptypes;
  private final RuleBits classes;
  private final ParseGraphEmitter.Part part;

  /**
   * @param firstAtLevel0Used header types whose first level-0 offset the classifier reads
   * @param ptypes the packet-type rules decided at push time (any level)
   * @param classes the RSS traffic classes decided at push time (level 0)
   * @param checksums what the checksum verdicts note at each push (level 0)
   * @param part the level the method parses at: OUTER level 0 (the facts of level 0), INNER 1 and
   *     deeper (the inner offsets)
   */
  StackFacts(
      MethodVisitor mv,
      SteerLocals locals,
      boolean[] firstAtLevel0Used,
      RuleBits ptypes,
      RuleBits classes,
      ChecksumEmitter checksums,
      ParseGraphEmitter.Part part) {
    this.part = part;
    this.mv = mv;
    this.locals = locals;
    this.firstAtLevel0Used = firstAtLevel0Used;
    this.ptypes = ptypes;
    this.classes = classes;
    this.checksums = checksums;
  }

  /** Before the first state: -1 (none yet) in each per-header fact that {@link #pushed} notes. */
  void initialise(int headerTypes) {
    for (int h = 0; h < headerTypes; h++) {
      if (firstAtLevel0Used[h]) {
        minusOne(locals.first0(h));
      }
    }
  }

  private void minusOne(int local) {
    push(mv, -1);
    mv.visitVarInsn(ISTORE, local);
  }

  /** After header {@code h} was pushed at CURSOR with length HL at LEVEL (cursor not advanced). */
  void pushed(HeaderType h) {
    int id = h.id();
    ptypes.pushed(mv, id); // before h joins the seen sets: [h, h] needs an earlier h
    if (part == ParseGraphEmitter.Part.INNER) {
      if (id < 64) {
        orBit(SEEN, id);
      }
      deepest(h.protocol());
      return;
    }
    if (id < 64 && classes.any()) {
      classes.pushed(mv, id);
      orBit(SEEN0, id);
    }
    if (id < 64) {
      orBit(SEEN, id);
    }
    if (firstAtLevel0Used[id]) {
      setIfUnset(locals.first0(id));
    }
    Protocol proto = h.protocol();
    switch (proto.layer()) {
      case L2 -> setIfUnset(L2);
      case L3 -> setIfUnset(L3);
      case L4 -> l4(proto);
      default -> {}
    }
    if (proto == Protocol.VLAN) {
      vlan();
    }
    checksums.pushed(h);
  }

  /**
   * At level 1 and deeper: the first L3 and L4 headers at the deepest level so far (a deeper one
   * starts them afresh).
   */
  private void deepest(Protocol proto) {
    Label same = new Label();
    mv.visitVarInsn(ILOAD, LEVEL);
    mv.visitVarInsn(ILOAD, MAX_LEVEL);
    mv.visitJumpInsn(IF_ICMPLE, same);
    mv.visitVarInsn(ILOAD, LEVEL);
    mv.visitVarInsn(ISTORE, MAX_LEVEL);
    push(mv, -1);
    mv.visitVarInsn(ISTORE, INNER_L3);
    push(mv, -1);
    mv.visitVarInsn(ISTORE, INNER_L4);
    mv.visitLabel(same);
    switch (proto.layer()) {
      case L3 -> setIfUnset(INNER_L3);
      case L4 -> setIfUnset(INNER_L4);
      default -> {}
    }
  }

  /** {@code local |= 1L << bit} (a long local). */
  private void orBit(int local, int bit) {
    mv.visitVarInsn(LLOAD, local);
    push(mv, 1L << bit);
    mv.visitInsn(LOR);
    mv.visitVarInsn(LSTORE, local);
  }

  private void setIfUnset(int local) {
    Label skip = new Label();
    mv.visitVarInsn(ILOAD, local);
    mv.visitJumpInsn(IFGE, skip);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ISTORE, local);
    mv.visitLabel(skip);
  }

  /** (Level 0) the outer L4 offset, and its ports when it is TCP/UDP/SCTP with at least 4 bytes. */
  private void l4(Protocol proto) {
    Label skip = new Label();
    mv.visitVarInsn(ILOAD, L4);
    mv.visitJumpInsn(IFGE, skip);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ISTORE, L4);
    if (proto == Protocol.TCP || proto == Protocol.UDP || proto == Protocol.SCTP) {
      mv.visitVarInsn(ILOAD, HL);
      push(mv, 4);
      mv.visitJumpInsn(IF_ICMPLT, skip);
      setBase(0);
      u16(0);
      push(mv, 16);
      mv.visitInsn(ISHL);
      u16(2);
      mv.visitInsn(IOR);
      mv.visitVarInsn(ISTORE, PORTS);
    }
    mv.visitLabel(skip);
  }

  /** (Level 0) the outermost tag that has its TPID before it (cursor >= 2). */
  private void vlan() {
    Label skip = new Label();
    mv.visitVarInsn(ILOAD, VLAN_OFF);
    mv.visitJumpInsn(IFGE, skip);
    mv.visitVarInsn(ILOAD, CURSOR);
    push(mv, 2);
    mv.visitJumpInsn(IF_ICMPLT, skip);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitVarInsn(ISTORE, VLAN_OFF);
    setBase(0);
    u16(-2);
    mv.visitVarInsn(ISTORE, VLAN_PROTO);
    u16(0);
    mv.visitVarInsn(ISTORE, VLAN_TCI);
    mv.visitLabel(skip);
  }

  /** base = off + cursor + delta */
  private void setBase(int delta) {
    mv.visitVarInsn(ILOAD, OFF);
    mv.visitVarInsn(ILOAD, CURSOR);
    mv.visitInsn(IADD);
    if (delta != 0) {
      push(mv, delta);
      mv.visitInsn(IADD);
    }
    mv.visitVarInsn(ISTORE, BASE);
  }

  /** Pushes the big-endian u16 at p[base + at] (an int). */
  private void u16(int at) {
    Asm.u16(mv, P, BASE, at);
  }
}
