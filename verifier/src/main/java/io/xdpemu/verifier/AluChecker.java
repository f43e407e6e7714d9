package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * ALU instructions and {@code ld_imm64}: {@code check_alu_op()}, {@code adjust_reg_min_max_vals()},
 * {@code adjust_ptr_min_max_vals()} with its sanity and Spectre-v1 checks for unprivileged loaders,
 * {@code check_ld_imm()}.
 */
final class AluChecker {
  /** bpf_alu_string[] of the kernel, used in its messages ("R6 pointer -= pointer ..."). */
  private static final String[] ALU_NAMES = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "?",
    "?"
  };

  /** BPF_MAX_VAR_OFF. */
  static final long MAX_VAR_OFF = 1L << 29;

  private final Verifier env;

  /**
   * The scalar operand of a scalar ALU instruction, copied (the destination may be the source) into
   * this reused register rather than a new one: no transfer function keeps a reference to its
   * operand, and a new register per ALU instruction was a sixth of what a verification allocates.
   */
  private final RegState operand = new RegState();

  AluChecker(Verifier env) {
    this.env = env;
  }

  /** check_reg_arg(SRC_OP). */
  RegState srcReg(int regno) {
    if (regno >= FuncState.MAX_REGS) {
      throw env.reject("R" + regno + " is invalid");
    }
    env.scratchReg(regno);
    RegState r = env.cur.regs()[regno];
    if (r.type == RegType.NOT_INIT) {
      throw env.reject("R" + regno + " !read_ok");
    }
    return r;
  }

  /** check_reg_arg(DST_OP_NO_MARK). */
  RegState dstReg(int regno) {
    if (regno >= FuncState.MAX_REGS) {
      throw env.reject("R" + regno + " is invalid");
    }
    if (regno == 10) {
      throw env.reject("frame pointer is read only");
    }
    env.scratchReg(regno);
    return env.cur.regs()[regno];
  }

  /**
   * is_pointer_value(): a pointer the loader may not learn (unprivileged only). Every caller asks
   * because the instruction would turn the address into data, so for root it is a recorded leak.
   */
  boolean isPointerValue(RegState r) {
    return r.type != RegType.SCALAR && r.type != RegType.NOT_INIT && !env.leakAddress();
  }

  void checkAlu(Insn insn, int idx) {
    int op = insn.opcode() & 0xf0;
    boolean alu64 = insn.cls() == Opcodes.ALU64;
    boolean x = (insn.opcode() & Opcodes.X) != 0;
    if (op == Opcodes.NEG || op == Opcodes.END) {
      RegState d = srcReg(insn.dst());
      if (isPointerValue(d)) {
        throw env.reject("R" + insn.dst() + " pointer arithmetic prohibited");
      }
      RegState r = dstReg(insn.dst());
      if (r.type != RegType.SCALAR) {
        r.markUnknown();
      } else if (op == Opcodes.NEG) {
        negate(r, !alu64);
      } else {
        byteSwap(r, insn, alu64);
      }
      return;
    }
    if (op == Opcodes.MOV) {
      checkMov(insn, alu64, x);
      return;
    }
    if (op > Opcodes.END) {
      throw env.reject("invalid BPF_ALU opcode " + Integer.toHexString(op));
    }
    RegState src = null;
    if (x) {
      if (insn.imm() != 0 || (insn.off() != 0 && insn.off() != 1)) {
        throw env.reject("BPF_ALU uses reserved fields");
      }
      src = srcReg(insn.src());
    } else if (insn.src() != 0 || (insn.off() != 0 && insn.off() != 1)) {
      throw env.reject("BPF_ALU uses reserved fields");
    }
    srcReg(insn.dst());
    if ((op == Opcodes.MOD || op == Opcodes.DIV) && !x && insn.imm() == 0) {
      throw env.reject("div by zero");
    }
    if ((op == Opcodes.LSH || op == Opcodes.RSH || op == Opcodes.ARSH) && !x) {
      int size = alu64 ? 64 : 32;
      if (insn.imm() < 0 || insn.imm() >= size) {
        throw env.reject("invalid shift " + insn.imm());
      }
    }
    dstReg(insn.dst());
    adjustRegMinMax(insn, idx, op, alu64, src);
  }

  private void checkMov(Insn insn, boolean alu64, boolean x) {
    RegState[] regs = env.cur.regs();
    if (x) {
      RegState src = srcReg(insn.src());
      RegState dst = dstReg(insn.dst());
      if (alu64) {
        if (insn.off() == 0) {
          src.assignIdBeforeMov(env);
          dst.assign(src);
        } else {
          if (isPointerValue(src)) {
            throw env.reject("R" + insn.src() + " sign-extension part of pointer");
          }
          if (src.type != RegType.SCALAR) {
            dst.markUnknown(); // root: a pointer's bits, sign-extended, are just a number
            return;
          }
          boolean noSext = Long.compareUnsigned(src.umax, 1L << (insn.off() - 1)) < 0;
          if (noSext) {
            src.assignIdBeforeMov(env);
          }
          RegState r = src.copy();
          if (!noSext) {
            r.id = 0;
          }
          signExtend(r, insn.off() / 8, true);
          dst.assign(r);
        }
      } else {
        if (src.isPointer()) {
          if (!env.leakAddress()) {
            throw env.reject("R" + insn.src() + " partial copy of pointer");
          }
          dst.markUnknown();
          Bounds.zext32To64(dst);
          Bounds.sync(dst);
          return;
        }
        if (insn.off() == 0) {
          boolean u32 = Bounds.ule(src.umax, Bounds.U32_MAX);
          if (u32) {
            src.assignIdBeforeMov(env);
          }
          dst.assign(src);
          if (!u32) {
            dst.id = 0;
          }
        } else {
          boolean noSext = Long.compareUnsigned(src.umax, 1L << (insn.off() - 1)) < 0;
          if (noSext) {
            src.assignIdBeforeMov(env);
          }
          RegState r = src.copy();
          if (!noSext) {
            r.id = 0;
          }
          signExtend(r, insn.off() / 8, false);
          dst.assign(r);
        }
        Bounds.zext32To64(dst);
        Bounds.sync(dst);
      }
      return;
    }
    if (insn.src() != 0 || insn.off() != 0) {
      throw env.reject("BPF_MOV uses reserved fields");
    }
    RegState dst = dstReg(insn.dst());
    dst.markUnknown();
    if (alu64) {
      dst.markKnown(insn.imm());
    } else {
      dst.markKnown(insn.imm() & 0xffffffffL);
    }
    regs[insn.dst()] = dst;
  }

  /** BPF_NEG in adjust_scalar_min_max_vals(): 0 - dst with the bounds of a subtraction. */
  private static void negate(RegState r, boolean alu32) {
    RegState zero = RegState.constScalar(0);
    ScalarAlu.apply(Opcodes.SUB, alu32, zero, r.copy());
    r.assign(zero);
  }

  /**
   * scalar_byte_swap(): the tnum is byte-swapped (bswap, or be on this little-endian host) or
   * truncated (le16/le32), then the bounds are re-derived from it; le64 changes nothing at all.
   */
  private static void byteSwap(RegState r, Insn insn, boolean alu64) {
    boolean swap = alu64 || (insn.opcode() & Opcodes.TO_BE) != 0;
    int width = insn.imm();
    if (!swap && width == 64) {
      return;
    }
    Tnum t = r.varOff;
    if (swap) {
      t = new Tnum(bswap(t.value(), width), bswap(t.mask(), width));
    } else {
      t = t.cast(width / 8);
    }
    r.markUnknown();
    r.varOff = t;
    Bounds.sync(r);
  }

  private static long bswap(long v, int width) {
    switch (width) {
      case 16:
        return Short.reverseBytes((short) v) & 0xffffL;
      case 32:
        return Integer.reverseBytes((int) v) & 0xffffffffL;
      default:
        return Long.reverseBytes(v);
    }
  }

  /** coerce_reg_to_sizex() (64-bit destination) or coerce_subreg_to_size_sx() (32-bit). */
  private static void signExtend(RegState r, int size, boolean to64) {
    if (to64) {
      SignExtension.toSize64(r, size);
    } else {
      SignExtension.toSize32(r, size);
    }
    r.type = RegType.SCALAR;
  }

  /**
   * The difference of two pointers into the same packet (data, data_meta, data_end) or the same
   * stack is an offset, the same in every run; any other pair's depends on where memory lies.
   */
  private static boolean samePacketOrStack(RegState a, RegState b) {
    boolean pa = a.isPacket() || a.type == RegType.PTR_TO_PACKET_END;
    boolean pb = b.isPacket() || b.type == RegType.PTR_TO_PACKET_END;
    return (pa && pb)
        || (a.type == RegType.PTR_TO_STACK
            && b.type == RegType.PTR_TO_STACK
            && a.frameno == b.frameno);
  }

  private void adjustRegMinMax(Insn insn, int idx, int op, boolean alu64, RegState src) {
    RegState[] regs = env.cur.regs();
    RegState dst = regs[insn.dst()];
    String opName = ALU_NAMES[op >> 4];
    if (src != null) {
      if (src.type != RegType.SCALAR) {
        if (dst.type != RegType.SCALAR) {
          if (op == Opcodes.SUB && env.allowPtrLeaks) {
            if (!samePacketOrStack(dst, src)) {
              env.leakAddress();
            }
            dst.markUnknown();
            return;
          }
          throw env.reject("R" + insn.dst() + " pointer " + opName + " pointer prohibited");
        }
        env.precision.markReg(insn.dst()); // scalar += pointer: the offset must be known
        adjustPtr(insn, op, alu64, src.copy(), dst.copy(), dst, false);
        return;
      }
      if (dst.type != RegType.SCALAR) {
        env.precision.markReg(insn.src()); // pointer += scalar
        adjustPtr(insn, op, alu64, dst.copy(), src.copy(), dst, true);
        return;
      }
      RegState s = operand;
      s.assign(src);
      maybeForkScalars(insn, idx, op, s, dst);
      ScalarAlu.apply(op, !alu64, dst, s);
      linkAfterAdd(op, alu64, dst, s);
      return;
    }
    RegState off = operand;
    off.markUnknown(); // every field as RegState.constScalar leaves it
    off.markKnown(insn.imm());
    if (dst.type != RegType.SCALAR) {
      adjustPtr(insn, op, alu64, dst.copy(), off, dst, true);
      return;
    }
    maybeForkScalars(insn, idx, op, off, dst);
    ScalarAlu.apply(op, !alu64, dst, off);
    linkAfterAdd(op, alu64, dst, off);
  }

  /**
   * After {@code rX += const} a register copied from another stays linked to it with the constant
   * as offset (BPF_ADD_CONST, Linux 6.11+); any other ALU result breaks the link, so that
   * sync_linked_regs() never propagates stale bounds.
   */
  private void linkAfterAdd(int op, boolean alu64, RegState dst, RegState src) {
    if (op == Opcodes.ADD && alu64 && dst.id != 0 && src.varOff.isConst()) {
      long val = src.varOff.value();
      if ((dst.id & RegState.ADD_CONST) != 0 || Long.compareUnsigned(val, Integer.MAX_VALUE) > 0) {
        dst.off = 0;
        dst.id = 0;
      } else {
        dst.id |= RegState.ADD_CONST;
        dst.off = (int) val;
      }
    } else {
      dst.id = 0;
      dst.off = 0;
    }
  }

  /** maybe_fork_scalars(): {@code -1/0 & K} splits into two exact branches. */
  private void maybeForkScalars(Insn insn, int idx, int op, RegState src, RegState dst) {
    if ((op != Opcodes.AND && op != Opcodes.OR) || !src.varOff.isConst()) {
      return;
    }
    boolean alu32;
    if (dst.smin == -1 && dst.smax == 0) {
      alu32 = false;
    } else if (dst.s32min == -1 && dst.s32max == 0) {
      alu32 = true;
    } else {
      return;
    }
    VerifierState branch = env.pushBranch(idx, idx);
    RegState bd = branch.regs()[insn.dst()];
    if (alu32) {
      bd.markKnown32(0);
      dst.markKnown32(-1);
    } else {
      bd.markKnown(0);
      dst.markKnown(-1);
    }
    // The pushed branch re-executes this instruction with the register known to be 0.
  }

  /** adjust_ptr_min_max_vals(): {@code out} receives pointer {@code ptr} op scalar {@code off}. */
  private void adjustPtr(
      Insn insn,
      int op,
      boolean alu64,
      RegState ptr,
      RegState off,
      RegState out,
      boolean ptrIsDst) {
    int dst = insn.dst();
    boolean known = off.varOff.isConst();
    long sminVal = off.smin;
    long smaxVal = off.smax;
    long uminVal = off.umin;
    long umaxVal = off.umax;
    if ((known && (sminVal != smaxVal || uminVal != umaxVal))
        || sminVal > smaxVal
        || Bounds.ult(umaxVal, uminVal)) {
      out.markUnknown();
      return;
    }
    if (!alu64) {
      if (op == Opcodes.SUB && env.leakAddress()) {
        out.markUnknown();
        return;
      }
      throw env.reject("R" + dst + " 32-bit pointer arithmetic prohibited");
    }
    // the type's name is made only for a message: this runs on every pointer ALU instruction
    if (ptr.maybeNull) {
      throw env.reject(
          "R"
              + dst
              + " pointer arithmetic on "
              + StateFormatter.typeName(ptr)
              + " prohibited, null-check it first");
    }
    switch (ptr.type) {
      case PTR_TO_CTX:
      case PTR_TO_MAP_VALUE:
      case PTR_TO_MAP_KEY:
      case PTR_TO_STACK:
      case PTR_TO_PACKET_META:
      case PTR_TO_PACKET:
      case PTR_TO_BTF_ID:
      case PTR_TO_MEM:
      case PTR_TO_FUNC:
        break;
      case CONST_PTR_TO_MAP:
        if (known && sminVal == 0 && op == Opcodes.ADD) {
          break;
        }
        throw env.reject(
            "R" + dst + " pointer arithmetic on " + StateFormatter.typeName(ptr) + " prohibited");
      default:
        throw env.reject(
            "R" + dst + " pointer arithmetic on " + StateFormatter.typeName(ptr) + " prohibited");
    }
    RegState r = ptr.copy();
    if (!saneOffset(off, ptr.type, ptr) || !saneOffset(ptr, ptr.type, ptr)) {
      throw new Reject(env.log.errorLines.get(env.log.errorLines.size() - 1));
    }
    if ((op == Opcodes.ADD || op == Opcodes.SUB)
        && !env.bypassSpecV1
        && !env.cur.speculative
        && (insn.opcode() & Opcodes.X) != 0) {
      sanitizePtrAlu(insn, op, ptr, off, ptrIsDst);
    }
    r.mark32Unbounded();
    switch (op) {
      case Opcodes.ADD:
        if (known && fitsS32((long) ptr.off + sminVal)) {
          r.off = (int) (ptr.off + sminVal);
          break;
        }
        long a = ptr.smin + sminVal;
        long b = ptr.smax + smaxVal;
        if (((ptr.smin ^ a) & (sminVal ^ a)) < 0 || ((ptr.smax ^ b) & (smaxVal ^ b)) < 0) {
          r.smin = Long.MIN_VALUE;
          r.smax = Long.MAX_VALUE;
        } else {
          r.smin = a;
          r.smax = b;
        }
        long ua = ptr.umin + uminVal;
        long ub = ptr.umax + umaxVal;
        if (Bounds.ult(ua, ptr.umin) || Bounds.ult(ub, ptr.umax)) {
          r.umin = 0;
          r.umax = -1L;
        } else {
          r.umin = ua;
          r.umax = ub;
        }
        r.varOff = ptr.varOff.add(off.varOff);
        if (ptr.isPacket()) {
          r.id = env.newId();
          r.range = 0;
        }
        break;
      case Opcodes.SUB:
        if (!ptrIsDst) {
          throw env.reject("R" + dst + " tried to subtract pointer from scalar");
        }
        if (ptr.type == RegType.PTR_TO_STACK) {
          throw env.reject("R" + dst + " subtraction from stack pointer prohibited");
        }
        if (known && fitsS32((long) ptr.off - sminVal)) {
          r.off = (int) (ptr.off - sminVal);
          break;
        }
        long c = ptr.smin - smaxVal;
        long d = ptr.smax - sminVal;
        if (((ptr.smin ^ smaxVal) & (ptr.smin ^ c)) < 0
            || ((ptr.smax ^ sminVal) & (ptr.smax ^ d)) < 0) {
          r.smin = Long.MIN_VALUE;
          r.smax = Long.MAX_VALUE;
        } else {
          r.smin = c;
          r.smax = d;
        }
        if (Bounds.ult(ptr.umin, umaxVal)) {
          r.umin = 0;
          r.umax = -1L;
        } else {
          r.umin = ptr.umin - umaxVal;
          r.umax = ptr.umax - uminVal;
        }
        r.varOff = ptr.varOff.sub(off.varOff);
        if (ptr.isPacket()) {
          r.id = env.newId();
          if (sminVal < 0) {
            r.range = 0;
          }
        }
        break;
      case Opcodes.AND:
      case Opcodes.OR:
      case Opcodes.XOR:
        throw env.reject(
            "R" + dst + " bitwise operator " + ALU_NAMES[op >> 4] + " on pointer prohibited");
      default:
        throw env.reject(
            "R" + dst + " pointer arithmetic with " + ALU_NAMES[op >> 4] + " operator prohibited");
    }
    if (!saneOffset(r, ptr.type, ptr)) {
      throw new Reject(env.log.errorLines.get(env.log.errorLines.size() - 1));
    }
    Bounds.sync(r);
    if (!env.bypassSpecV1) {
      sanitizeCheckBounds(dst, r);
    }
    out.assign(r);
  }

  private static boolean fitsS32(long v) {
    return v == (int) v;
  }

  /** check_reg_sane_offset(). */
  private boolean saneOffset(RegState reg, RegType type, RegState ptr) {
    boolean known = reg.varOff.isConst();
    long val = reg.varOff.value();
    if (known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF)) {
      env.errorLine(
          "math between "
              + StateFormatter.typeName(ptr)
              + " pointer and "
              + val
              + " is not allowed");
      return false;
    }
    if (reg.off >= MAX_VAR_OFF || reg.off <= -MAX_VAR_OFF) {
      env.errorLine(
          StateFormatter.typeName(ptr) + " pointer offset " + reg.off + " is not allowed");
      return false;
    }
    if (reg.smin == Long.MIN_VALUE) {
      env.errorLine(
          "math between "
              + StateFormatter.typeName(ptr)
              + " pointer and register with unbounded min value is not allowed");
      return false;
    }
    if (reg.smin >= MAX_VAR_OFF || reg.smin <= -MAX_VAR_OFF) {
      env.errorLine(
          "value "
              + reg.smin
              + " makes "
              + StateFormatter.typeName(ptr)
              + " pointer be out of bounds");
      return false;
    }
    return true;
  }

  /** sanitize_ptr_alu() / retrieve_ptr_limit(): what unprivileged pointer arithmetic may do. */
  private void sanitizePtrAlu(Insn insn, int op, RegState ptr, RegState off, boolean ptrIsDst) {
    String err = "pointer arithmetic with it prohibited for !root";
    int offReg = ptrIsDst ? insn.src() : insn.dst();
    int ptrReg = ptrIsDst ? insn.dst() : insn.src();
    if (!off.varOff.isConst() && (off.smin < 0) != (off.smax < 0)) {
      throw env.reject("R" + offReg + " has unknown scalar with mixed signed bounds, " + err);
    }
    boolean offNeg = off.smin < 0;
    boolean maskToLeft = (op == Opcodes.ADD && offNeg) || (op == Opcodes.SUB && !offNeg);
    long max;
    long limit;
    switch (ptr.type) {
      case PTR_TO_STACK:
        max = FuncState.MAX_STACK + (maskToLeft ? 1 : 0);
        limit = -(ptr.varOff.value() + ptr.off);
        break;
      case PTR_TO_MAP_VALUE:
        max = ptr.map.valueSize();
        limit = (maskToLeft ? ptr.smin : ptr.umax) + ptr.off;
        break;
      default:
        throw env.reject("R" + ptrReg + " has pointer with unsupported alu operation, " + err);
    }
    if ((limit & 0xffffffffL) >= max) {
      String o = op == Opcodes.ADD ? "add" : "sub";
      throw env.reject("R" + insn.dst() + " tried to " + o + " beyond pointer bounds, " + err);
    }
  }

  /** sanitize_check_bounds(). */
  private void sanitizeCheckBounds(int dst, RegState r) {
    if (r.type == RegType.PTR_TO_STACK) {
      if (!r.varOff.isConst()) {
        throw env.reject(
            "R"
                + dst
                + " variable stack access prohibited for !root, var_off="
                + tnumStr(r.varOff)
                + " off="
                + r.off);
      }
      long off = r.off + r.varOff.value();
      if (off >= 0 || off < -FuncState.MAX_STACK) {
        throw env.reject(
            "R"
                + dst
                + " stack pointer arithmetic goes out of range, prohibited for !root, off="
                + off);
      }
    } else if (r.type == RegType.PTR_TO_MAP_VALUE) {
      long lo = r.smin + r.off;
      long hi = r.umax + r.off;
      if (lo < 0 || hi + 1 > r.map.valueSize()) {
        throw env.reject(
            "R" + dst + " pointer arithmetic of map value goes out of range, prohibited for !root");
      }
    }
  }

  static String tnumStr(Tnum t) {
    if (t.isConst()) {
      return StateFormatter.unum(t.value());
    }
    return "(0x" + Long.toHexString(t.value()) + "; 0x" + Long.toHexString(t.mask()) + ")";
  }

  /** check_ld_imm() and the LD_ABS/LD_IND refusal; returns the next instruction index. */
  int checkLd(Insn insn, int idx) {
    int mode = insn.opcode() & 0xe0;
    if (mode == Opcodes.ABS || mode == Opcodes.IND) {
      throw env.reject("BPF_LD_[ABS|IND] instructions not allowed for this program type");
    }
    if (insn.opcode() != Opcodes.LD_IMM64) {
      throw env.reject("invalid BPF_LD mode");
    }
    RegState dst = dstReg(insn.dst());
    Insn hi = env.insns[idx + 1];
    switch (insn.src()) {
      case 0:
        dst.markUnknown();
        dst.markKnown((insn.imm() & 0xffffffffL) | ((long) hi.imm() << 32));
        break;
      case Opcodes.PSEUDO_FUNC:
        {
          int target = idx + insn.imm() + 1;
          dst.markUnknown();
          dst.markKnown(0);
          dst.type = RegType.PTR_TO_FUNC;
          dst.frameno = env.cfg.subprogAt(target);
          break;
        }
      case Opcodes.PSEUDO_MAP_FD:
      case Opcodes.PSEUDO_MAP_IDX:
      case Opcodes.PSEUDO_MAP_VALUE:
      case Opcodes.PSEUDO_MAP_IDX_VALUE:
        {
          ProgramInfo.LdImm64Target t = env.info.ldImm64(idx);
          if (t == null) {
            throw env.reject("fd " + insn.imm() + " is not pointing to valid bpf_map");
          }
          dst.markUnknown();
          dst.markKnown(0);
          dst.map = new MapRef(t.mapIndex(), t.map());
          if (t.isMapValue()) {
            dst.type = RegType.PTR_TO_MAP_VALUE;
            dst.off = t.valueOffset();
          } else {
            dst.type = RegType.CONST_PTR_TO_MAP;
          }
          break;
        }
      default:
        throw env.reject("unrecognized bpf_ld_imm64 insn");
    }
    return idx + 2;
  }
}
