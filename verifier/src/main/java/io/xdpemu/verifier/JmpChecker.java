package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Jumps: {@code check_cond_jmp_op()} with {@code is_branch_taken()}, {@code reg_set_min_max()}
 * (regs_refine_cond_op), NULL-check propagation ({@code mark_ptr_or_null_regs()}) and packet range
 * learning ({@code try_match_pkt_pointers()}, {@code find_good_pkt_pointers()}).
 */
final class JmpChecker {
  static final int BEYOND_PKT_END = PacketRanges.BEYOND_PKT_END;
  static final int AT_PKT_END = PacketRanges.AT_PKT_END;
  private static final int JSET_X = Opcodes.JSET | 0x100;

  private final Verifier env;

  JmpChecker(Verifier env) {
    this.env = env;
  }

  int checkJump(Insn insn, int idx) {
    int op = insn.opcode() & 0xf0;
    boolean j32 = insn.cls() == Opcodes.JMP32;
    if (op == Opcodes.CALL) {
      return env.calls.checkCall(insn, idx);
    }
    if (op == Opcodes.EXIT) {
      return env.calls.checkExit(insn, idx);
    }
    if (op == Opcodes.JA) {
      return idx + (j32 ? insn.imm() : insn.off()) + 1;
    }
    if (op == Opcodes.JCOND || op > Opcodes.JSLE) {
      throw env.reject("invalid BPF_JMP/JMP32 opcode " + Integer.toHexString(op));
    }
    return condJump(insn, idx, op, j32);
  }

  /**
   * A pointer that cannot be NULL compared for (in)equality with 0: is_branch_taken() decides it,
   * so the address never reaches the program's result (root only; unprivileged still rejects).
   */
  private static boolean decidedAgainstNull(RegState dst, RegState src, int op, boolean x) {
    return !x
        && (op == Opcodes.JEQ || op == Opcodes.JNE)
        && src.isConst()
        && src.varOff.value() == 0
        && dst.isPointer()
        && !dst.maybeNull;
  }

  private int condJump(Insn insn, int idx, int op, boolean j32) {
    RegState[] regs = env.cur.regs();
    boolean x = (insn.opcode() & Opcodes.X) != 0;
    RegState dst = env.alu.srcReg(insn.dst());
    RegState src;
    if (x) {
      src = env.alu.srcReg(insn.src());
      if (!(anyPkt(dst) && anyPkt(src)) && env.alu.isPointerValue(src)) {
        throw env.reject("R" + insn.src() + " pointer comparison prohibited");
      }
    } else {
      if (insn.src() != 0) {
        throw env.reject("BPF_JMP/JMP32 uses reserved fields");
      }
      src = RegState.constScalar(j32 ? insn.imm() & 0xffffffffL : insn.imm());
    }
    int pred = branchTaken(dst, src, op, j32);
    int target = idx + insn.off() + 1;
    if (pred == 1 || pred == 0) {
      // the branch is decided by these values: they must be precise (check_cond_jmp_op)
      if (dst.type == RegType.SCALAR) {
        env.precision.markReg(insn.dst());
      }
      if (x && src.type == RegType.SCALAR) {
        env.precision.markReg(insn.src());
      }
      if (!env.bypassSpecV1) {
        // sanitize_speculative_path(): the CPU may still run the dead branch speculatively
        VerifierState spec = env.pushBranch(pred == 1 ? idx + 1 : target, idx);
        spec.speculative = true;
        spec.regs()[insn.dst()].markUnknown();
        if (x) {
          spec.regs()[insn.src()].markUnknown();
        }
      }
      printState(idx);
      return pred == 1 ? target : idx + 1;
    }
    // scalars linked by id learn bounds here; backtracking must know (collect_linked_regs)
    int[] linked = null;
    if (x && src.type == RegType.SCALAR && src.id != 0) {
      linked = Precision.collectLinked(env.cur, src.id, linked, env.cfg);
    }
    if (dst.type == RegType.SCALAR && dst.id != 0) {
      linked = Precision.collectLinked(env.cur, dst.id, linked, env.cfg);
    }
    if (linked != null && linked.length > 1) {
      env.precision.linkedRegs(linked);
    }
    VerifierState other = env.pushBranch(target, idx);
    RegState[] oregs = other.regs();
    if (x) {
      setMinMax(oregs[insn.dst()], oregs[insn.src()], dst, src, op, j32);
    } else {
      RegState fakeT = src.copy();
      RegState fakeF = src.copy();
      setMinMax(oregs[insn.dst()], fakeT, dst, fakeF, op, j32);
    }
    if (x && src.type == RegType.SCALAR && src.id != 0) {
      syncLinkedRegs(env.cur, src, linked);
      syncLinkedRegs(other, oregs[insn.src()], linked);
    }
    if (dst.type == RegType.SCALAR && dst.id != 0) {
      syncLinkedRegs(env.cur, dst, linked);
      syncLinkedRegs(other, oregs[insn.dst()], linked);
    }
    if (!j32
        && x
        && dst.isPointer()
        && src.isPointer()
        && dst.maybeNull != src.maybeNull
        && dst.type != RegType.PTR_TO_BTF_ID
        && src.type != RegType.PTR_TO_BTF_ID) {
      // comparing a maybe-NULL pointer with a non-NULL one: equal means not NULL
      RegState[] eq = op == Opcodes.JEQ ? oregs : op == Opcodes.JNE ? regs : null;
      if (eq != null) {
        RegState r = src.maybeNull ? eq[insn.src()] : eq[insn.dst()];
        r.maybeNull = false;
      }
    }
    if (!j32
        && !x
        && insn.imm() == 0
        && (op == Opcodes.JEQ || op == Opcodes.JNE)
        && dst.maybeNull) {
      int id = dst.id;
      markPtrOrNull(env.cur, id, op == Opcodes.JNE);
      markPtrOrNull(other, id, op == Opcodes.JEQ);
    } else if (!PacketRanges.match(insn, op, j32, dst, x ? src : null, env.cur, other)
        && !(env.allowPtrLeaks && decidedAgainstNull(dst, src, op, x))
        && env.alu.isPointerValue(dst)) {
      throw env.reject("R" + insn.dst() + " pointer comparison prohibited");
    }
    printState(idx);
    return idx + 1;
  }

  /** print_insn_state() right after the jump, as check_cond_jmp_op() does. */
  private void printState(int idx) {
    if (env.log.enabled()) {
      env.log.insnState(idx, env.stateString(false));
    }
  }

  private static boolean anyPkt(RegState r) {
    return r.isPacket() || r.type == RegType.PTR_TO_PACKET_END;
  }

  private static int flip(int op) {
    switch (op) {
      case Opcodes.JGT:
        return Opcodes.JLT;
      case Opcodes.JLT:
        return Opcodes.JGT;
      case Opcodes.JGE:
        return Opcodes.JLE;
      case Opcodes.JLE:
        return Opcodes.JGE;
      case Opcodes.JSGT:
        return Opcodes.JSLT;
      case Opcodes.JSLT:
        return Opcodes.JSGT;
      case Opcodes.JSGE:
        return Opcodes.JSLE;
      case Opcodes.JSLE:
        return Opcodes.JSGE;
      default:
        return op;
    }
  }

  private static int rev(int op) {
    switch (op) {
      case Opcodes.JEQ:
        return Opcodes.JNE;
      case Opcodes.JNE:
        return Opcodes.JEQ;
      case Opcodes.JSET:
        return JSET_X;
      case JSET_X:
        return Opcodes.JSET;
      case Opcodes.JGT:
        return Opcodes.JLE;
      case Opcodes.JLE:
        return Opcodes.JGT;
      case Opcodes.JGE:
        return Opcodes.JLT;
      case Opcodes.JLT:
        return Opcodes.JGE;
      case Opcodes.JSGT:
        return Opcodes.JSLE;
      case Opcodes.JSLE:
        return Opcodes.JSGT;
      case Opcodes.JSGE:
        return Opcodes.JSLT;
      default:
        return Opcodes.JSGE;
    }
  }

  private static boolean isConst(RegState r, boolean j32) {
    return r.type == RegType.SCALAR && (j32 ? r.varOff.subreg().isConst() : r.varOff.isConst());
  }

  private static long constVal(RegState r, boolean j32) {
    return j32 ? r.varOff.value() & 0xffffffffL : r.varOff.value();
  }

  /** reg_not_null(). */
  private static boolean notNull(RegState r) {
    if (r.maybeNull) {
      return false;
    }
    switch (r.type) {
      case PTR_TO_SOCKET:
      case PTR_TO_MAP_VALUE:
      case PTR_TO_MAP_KEY:
      case PTR_TO_SOCK_COMMON:
      case PTR_TO_BTF_ID:
      case PTR_TO_MEM:
      case CONST_PTR_TO_MAP: // a checked map-in-map lookup result
        return true;
      default:
        return false;
    }
  }

  /** is_branch_taken(): 1 always, 0 never, -1 unknown. */
  int branchTaken(RegState r1, RegState r2, int op, boolean j32) {
    if (anyPkt(r1) && anyPkt(r2) && !j32) {
      return pktBranchTaken(r1, r2, op);
    }
    if (r1.isPointer() || r2.isPointer()) {
      if (!isConst(r2, j32)) {
        op = flip(op);
        RegState t = r1;
        r1 = r2;
        r2 = t;
      }
      if (!isConst(r2, j32) || !notNull(r1) || constVal(r2, j32) != 0) {
        return -1;
      }
      return op == Opcodes.JEQ ? 0 : op == Opcodes.JNE ? 1 : -1;
    }
    return scalarBranchTaken(r1, r2, op, j32);
  }

  private static int pktBranchTaken(RegState dst, RegState src, int op) {
    RegState pkt;
    if (src.type == RegType.PTR_TO_PACKET_END) {
      pkt = dst;
    } else if (dst.type == RegType.PTR_TO_PACKET_END) {
      pkt = src;
      op = flip(op);
    } else {
      return -1;
    }
    if (pkt.range >= 0) {
      return -1;
    }
    switch (op) {
      case Opcodes.JLE:
      case Opcodes.JGT:
        if (pkt.range == BEYOND_PKT_END) {
          return op == Opcodes.JGT ? 1 : 0;
        }
        break;
      case Opcodes.JLT:
      case Opcodes.JGE:
        if (pkt.range == BEYOND_PKT_END || pkt.range == AT_PKT_END) {
          return op == Opcodes.JGE ? 1 : 0;
        }
        break;
      default:
        break;
    }
    return -1;
  }

  private static int scalarBranchTaken(RegState a, RegState b, int op, boolean j32) {
    Tnum t1 = j32 ? a.varOff.subreg() : a.varOff;
    Tnum t2 = j32 ? b.varOff.subreg() : b.varOff;
    long umin1 = j32 ? a.u32min & 0xffffffffL : a.umin;
    long umax1 = j32 ? a.u32max & 0xffffffffL : a.umax;
    long smin1 = j32 ? a.s32min : a.smin;
    long smax1 = j32 ? a.s32max : a.smax;
    long umin2 = j32 ? b.u32min & 0xffffffffL : b.umin;
    long umax2 = j32 ? b.u32max & 0xffffffffL : b.umax;
    long smin2 = j32 ? b.s32min : b.smin;
    long smax2 = j32 ? b.s32max : b.smax;
    switch (op) {
      case Opcodes.JEQ:
      case Opcodes.JNE:
        {
          boolean eq = op == Opcodes.JEQ;
          if (t1.isConst() && t2.isConst()) {
            return (t1.value() == t2.value()) == eq ? 1 : 0;
          }
          // Linux 6.18 (f41345f47fb2): a bit known in both tnums with different values means the
          // two can never be equal: w3 = 15 against w4 &= 32 (0 or 32) is decided, ranges alone not
          if (!t1.overlaps(t2)) {
            return eq ? 0 : 1;
          }
          boolean disjoint =
              Bounds.ult(umax2, umin1)
                  || Bounds.ult(umax1, umin2)
                  || smin1 > smax2
                  || smax1 < smin2;
          if (!j32 && !disjoint) {
            disjoint =
                Bounds.ult32(b.u32max, a.u32min)
                    || Bounds.ult32(a.u32max, b.u32min)
                    || a.s32min > b.s32max
                    || a.s32max < b.s32min;
          }
          if (disjoint) {
            return eq ? 0 : 1;
          }
          return -1;
        }
      case Opcodes.JSET:
        {
          if (!isConst(b, j32)) {
            Tnum t = t1;
            t1 = t2;
            t2 = t;
            if (!isConst(a, j32)) {
              return -1;
            }
          }
          if (((~t1.mask() & t1.value()) & t2.value()) != 0) {
            return 1;
          }
          if (((t1.mask() | t1.value()) & t2.value()) == 0) {
            return 0;
          }
          return -1;
        }
      case Opcodes.JGT:
        return Bounds.ult(umax2, umin1) ? 1 : Bounds.ule(umax1, umin2) ? 0 : -1;
      case Opcodes.JSGT:
        return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
      case Opcodes.JLT:
        return Bounds.ult(umax1, umin2) ? 1 : Bounds.ule(umax2, umin1) ? 0 : -1;
      case Opcodes.JSLT:
        return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
      case Opcodes.JGE:
        return Bounds.ule(umax2, umin1) ? 1 : Bounds.ult(umax1, umin2) ? 0 : -1;
      case Opcodes.JSGE:
        return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
      case Opcodes.JLE:
        return Bounds.ule(umax1, umin2) ? 1 : Bounds.ult(umax2, umin1) ? 0 : -1;
      case Opcodes.JSLE:
        return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
      default:
        return -1;
    }
  }

  /** reg_set_min_max(): refine both branches' operands. */
  private void setMinMax(
      RegState trueR1, RegState trueR2, RegState falseR1, RegState falseR2, int op, boolean j32) {
    if (falseR1.type != RegType.SCALAR || falseR2.type != RegType.SCALAR) {
      return;
    }
    refine(falseR1, falseR2, rev(op), j32);
    syncChecked(falseR1);
    syncChecked(falseR2);
    refine(trueR1, trueR2, op, j32);
    syncChecked(trueR1);
    syncChecked(trueR2);
  }

  private static void syncChecked(RegState r) {
    Bounds.sync(r);
    if (!Bounds.sane(r)) {
      // reg_bounds_sanity_check(): an impossible branch; the kernel resets to unbounded.
      r.markUnbounded();
      r.varOff = Tnum.UNKNOWN;
    }
  }

  /** regs_refine_cond_op(). */
  private static void refine(RegState r1, RegState r2, int op, boolean j32) {
    while (true) {
      switch (op) {
        case Opcodes.JEQ:
          if (j32) {
            r1.u32min = Bounds.u32max(r1.u32min, r2.u32min);
            r1.u32max = Bounds.u32min(r1.u32max, r2.u32max);
            r1.s32min = Math.max(r1.s32min, r2.s32min);
            r1.s32max = Math.min(r1.s32max, r2.s32max);
            r2.u32min = r1.u32min;
            r2.u32max = r1.u32max;
            r2.s32min = r1.s32min;
            r2.s32max = r1.s32max;
            Tnum t = r1.varOff.subreg().intersect(r2.varOff.subreg());
            r1.varOff = r1.varOff.withSubreg(t);
            r2.varOff = r2.varOff.withSubreg(t);
          } else {
            r1.umin = Bounds.umax(r1.umin, r2.umin);
            r1.umax = Bounds.umin(r1.umax, r2.umax);
            r1.smin = Math.max(r1.smin, r2.smin);
            r1.smax = Math.min(r1.smax, r2.smax);
            r2.umin = r1.umin;
            r2.umax = r1.umax;
            r2.smin = r1.smin;
            r2.smax = r1.smax;
            r1.varOff = r1.varOff.intersect(r2.varOff);
            r2.varOff = r1.varOff;
          }
          return;
        case Opcodes.JNE:
          {
            if (!isConst(r2, j32)) {
              RegState t = r1;
              r1 = r2;
              r2 = t;
            }
            if (!isConst(r2, j32)) {
              return;
            }
            long val = constVal(r2, j32);
            if (j32) {
              if (r1.u32min == (int) val) {
                r1.u32min++;
              }
              if (r1.u32max == (int) val) {
                r1.u32max--;
              }
              if (r1.s32min == (int) val) {
                r1.s32min++;
              }
              if (r1.s32max == (int) val) {
                r1.s32max--;
              }
            } else {
              if (r1.umin == val) {
                r1.umin++;
              }
              if (r1.umax == val) {
                r1.umax--;
              }
              if (r1.smin == val) {
                r1.smin++;
              }
              if (r1.smax == val) {
                r1.smax--;
              }
            }
            return;
          }
        case Opcodes.JSET:
        case JSET_X:
          {
            if (!isConst(r2, j32)) {
              RegState t = r1;
              r1 = r2;
              r2 = t;
            }
            if (!isConst(r2, j32)) {
              return;
            }
            long val = constVal(r2, j32);
            if (op == Opcodes.JSET) {
              if (Long.bitCount(val) != 1) {
                return;
              }
              if (j32) {
                r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().or(Tnum.constant(val)));
              } else {
                r1.varOff = r1.varOff.or(Tnum.constant(val));
              }
            } else {
              if (j32) {
                r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().and(Tnum.constant(~val)));
              } else {
                r1.varOff = r1.varOff.and(Tnum.constant(~val));
              }
              // Linux 6.18 leaves the false branch of a jset with bounds derived from the tnum
              // alone (its log: w1 = (s8)w1; if r1 & 0xee861a4b -> [0, 0x1179e5b4], not [0,
              // 127]); being more precise here accepted programs the kernel rejects.
              r1.markUnbounded();
            }
            return;
          }
        case Opcodes.JLE:
          if (j32) {
            r1.u32max = Bounds.u32min(r1.u32max, r2.u32max);
            r2.u32min = Bounds.u32max(r1.u32min, r2.u32min);
          } else {
            r1.umax = Bounds.umin(r1.umax, r2.umax);
            r2.umin = Bounds.umax(r1.umin, r2.umin);
          }
          return;
        case Opcodes.JLT:
          if (j32) {
            r1.u32max = Bounds.u32min(r1.u32max, r2.u32max - 1);
            r2.u32min = Bounds.u32max(r1.u32min + 1, r2.u32min);
          } else {
            r1.umax = Bounds.umin(r1.umax, r2.umax - 1);
            r2.umin = Bounds.umax(r1.umin + 1, r2.umin);
          }
          return;
        case Opcodes.JSLE:
          if (j32) {
            r1.s32max = Math.min(r1.s32max, r2.s32max);
            r2.s32min = Math.max(r1.s32min, r2.s32min);
          } else {
            r1.smax = Math.min(r1.smax, r2.smax);
            r2.smin = Math.max(r1.smin, r2.smin);
          }
          return;
        case Opcodes.JSLT:
          if (j32) {
            r1.s32max = Math.min(r1.s32max, r2.s32max - 1);
            r2.s32min = Math.max(r1.s32min + 1, r2.s32min);
          } else {
            r1.smax = Math.min(r1.smax, r2.smax - 1);
            r2.smin = Math.max(r1.smin + 1, r2.smin);
          }
          return;
        case Opcodes.JGE:
        case Opcodes.JGT:
        case Opcodes.JSGE:
        case Opcodes.JSGT:
          {
            op = flip(op);
            RegState t = r1;
            r1 = r2;
            r2 = t;
            continue;
          }
        default:
          return;
      }
    }
  }

  /**
   * sync_linked_regs(): the registers collected as linked to {@code known} (same base id) learn its
   * bounds; a register linked with a different constant offset gets them shifted by the difference.
   */
  private static void syncLinkedRegs(VerifierState st, RegState known, int[] linked) {
    int base = known.id & ~RegState.ADD_CONST;
    for (int code : linked) {
      FuncState fs = st.frames[code >> 8];
      int n = code & 0x7f;
      RegState r = (code & 0x80) != 0 ? fs.regs[n] : fs.writableSlot(n).spilled;
      syncLinked(r, known, base);
    }
  }

  private static boolean linked(RegState r, RegState known, int base) {
    return r != known && r.type == RegType.SCALAR && (r.id & ~RegState.ADD_CONST) == base;
  }

  private static void syncLinked(RegState r, RegState known, int base) {
    if (!linked(r, known, base)) {
      return;
    }
    boolean rConst = (r.id & RegState.ADD_CONST) != 0;
    boolean kConst = (known.id & RegState.ADD_CONST) != 0;
    if ((!rConst && !kConst) || r.off == known.off) {
      r.assign(known);
      return;
    }
    int savedOff = r.off;
    int savedId = r.id;
    RegState delta = RegState.constScalar((long) r.off - (long) known.off);
    r.assign(known);
    r.off = savedOff;
    r.id = savedId;
    ScalarAlu.addBounds(r, delta);
    r.varOff = r.varOff.add(delta.varOff);
    Bounds.sync(r);
  }

  /** mark_ptr_or_null_regs(). */
  static void markPtrOrNull(VerifierState st, int id, boolean isNull) {
    int refToRelease = 0;
    for (int f = 0; f <= st.curframe; f++) {
      FuncState fs = st.frames[f];
      for (RegState r : fs.regs) {
        refToRelease |= markOne(r, id, isNull);
      }
      for (int spi = 0; spi < fs.stack.size(); spi++) {
        StackSlot s = fs.stack.get(spi);
        if (s.isSpill() && marks(s.spilled, id)) {
          refToRelease |= markOne(fs.writableSlot(spi).spilled, id, isNull);
        }
      }
    }
    if (isNull) {
      for (int f = 0; f <= st.curframe; f++) {
        st.frames[f].refs.removeIf(ref -> ref[0] == id);
      }
    }
  }

  private static boolean marks(RegState r, int id) {
    return r.maybeNull && r.id == id && id != 0;
  }

  private static int markOne(RegState r, int id, boolean isNull) {
    if (!marks(r, id)) {
      return 0;
    }
    if (isNull) {
      r.type = RegType.SCALAR;
      r.maybeNull = false;
      r.map = null;
      r.ringbuf = false;
      r.memSize = 0;
      r.off = 0;
      r.id = 0;
      r.refObjId = 0;
      return 0;
    }
    r.maybeNull = false;
    r.id = 0;
    return 0;
  }
}
