package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Packet ranges learned from comparing packet pointers ({@code try_match_pkt_pointers()}, {@code
 * find_good_pkt_pointers()}, {@code mark_pkt_end()}): on the branch where {@code pkt + off <=
 * pkt_end} holds, every pointer with the same id gets {@code r = off}; on the other, the compared
 * pointer is known to be at or beyond the end ({@code r} = AT_PKT_END / BEYOND_PKT_END).
 */
final class PacketRanges {
  private PacketRanges() {}

  static final int BEYOND_PKT_END = -2;
  static final int AT_PKT_END = -1;

  /** MAX_PACKET_OFF. */
  static final long MAX_PACKET_OFF = 0xffff;

  /** reg_is_init_pkt_pointer(). */
  private static boolean initPkt(RegState r, RegType t) {
    return r.type == t && r.id == 0 && r.off == 0 && r.varOff.equalsConst(0);
  }

  /** try_match_pkt_pointers(): {@code thisBr} falls through, {@code other} jumps. */
  static boolean match(
      Insn insn,
      int op,
      boolean j32,
      RegState dst,
      RegState src,
      VerifierState thisBr,
      VerifierState other) {
    if (src == null || j32) {
      return false;
    }
    boolean dstFirst =
        (dst.type == RegType.PTR_TO_PACKET && src.type == RegType.PTR_TO_PACKET_END)
            || (dst.type == RegType.PTR_TO_PACKET_META && initPkt(src, RegType.PTR_TO_PACKET));
    boolean srcFirst =
        (dst.type == RegType.PTR_TO_PACKET_END && src.type == RegType.PTR_TO_PACKET)
            || (initPkt(dst, RegType.PTR_TO_PACKET) && src.type == RegType.PTR_TO_PACKET_META);
    int d = insn.dst();
    int s = insn.src();
    RegState dCopy = dst.copy();
    RegState sCopy = src.copy();
    switch (op) {
      case Opcodes.JGT:
        if (dstFirst) {
          goodPkt(thisBr, dCopy, false);
          pktEnd(other, d, true);
        } else if (srcFirst) {
          goodPkt(other, sCopy, true);
          pktEnd(thisBr, s, false);
        } else {
          return false;
        }
        return true;
      case Opcodes.JLT:
        if (dstFirst) {
          goodPkt(other, dCopy, true);
          pktEnd(thisBr, d, false);
        } else if (srcFirst) {
          goodPkt(thisBr, sCopy, false);
          pktEnd(other, s, true);
        } else {
          return false;
        }
        return true;
      case Opcodes.JGE:
        if (dstFirst) {
          goodPkt(thisBr, dCopy, true);
          pktEnd(other, d, false);
        } else if (srcFirst) {
          goodPkt(other, sCopy, false);
          pktEnd(thisBr, s, true);
        } else {
          return false;
        }
        return true;
      case Opcodes.JLE:
        if (dstFirst) {
          goodPkt(other, dCopy, false);
          pktEnd(thisBr, d, true);
        } else if (srcFirst) {
          goodPkt(thisBr, sCopy, true);
          pktEnd(other, s, false);
        } else {
          return false;
        }
        return true;
      default:
        return false;
    }
  }

  /** find_good_pkt_pointers(). */
  private static void goodPkt(VerifierState st, RegState dst, boolean rightOpen) {
    if (dst.off < 0 || (dst.off == 0 && rightOpen)) {
      return;
    }
    if (Bounds.ult(MAX_PACKET_OFF, dst.umax) || Bounds.ult(MAX_PACKET_OFF, dst.umax + dst.off)) {
      return;
    }
    int newRange = dst.off + (rightOpen ? 1 : 0);
    for (int f = 0; f <= st.curframe; f++) {
      FuncState fs = st.frames[f];
      for (RegState r : fs.regs) {
        if (r.type == dst.type && r.id == dst.id) {
          r.range = Math.max(r.range, newRange);
        }
      }
      for (int spi = 0; spi < fs.stack.size(); spi++) {
        StackSlot s = fs.stack.get(spi);
        if (s.isSpill() && s.spilled.type == dst.type && s.spilled.id == dst.id) {
          RegState r = fs.writableSlot(spi).spilled;
          r.range = Math.max(r.range, newRange);
        }
      }
    }
  }

  /** mark_pkt_end(). */
  private static void pktEnd(VerifierState st, int regno, boolean rangeOpen) {
    RegState r = st.regs()[regno];
    if (r.type != RegType.PTR_TO_PACKET) {
      return;
    }
    r.range = rangeOpen ? BEYOND_PKT_END : AT_PKT_END;
  }
}
