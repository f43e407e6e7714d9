package io.xdpemu.verifier;

/**
 * {@code regsafe()}, {@code stacksafe()} and {@code refsafe()}: is every concrete state described
 * by {@code cur} also described by {@code old}? Ids are compared through a bijection built while
 * comparing ({@code check_ids()}).
 */
final class RegCompare {
  /** The kernel's enum exact_level. */
  static final int NOT_EXACT = 0;

  static final int RANGE_WITHIN = 1;
  static final int EXACT = 2;

  private final int mode;
  private final boolean exact;
  private final boolean allowUninitStack;

  /**
   * The id bijection built while comparing (struct bpf_idmap): pairs in two arrays searched
   * linearly, as the kernel does; a comparison meets few ids.
   */
  private int[] idOld = new int[16];

  private int[] idCur = new int[16];
  private int idCount;
  private int tmpId = 1 << 30;

  RegCompare(int mode, boolean allowUninitStack) {
    this.mode = mode;
    this.exact = mode == EXACT;
    this.allowUninitStack = allowUninitStack;
  }

  /** Forgets the id bijection of the previous comparison. */
  void reset() {
    idCount = 0;
    tmpId = 1 << 30;
  }

  static boolean identical(RegState a, RegState b) {
    return a.samePointerShape(b)
        && a.off == b.off
        && a.range == b.range
        && a.id == b.id
        && a.refObjId == b.refObjId
        && a.varOff.equals(b.varOff)
        && a.smin == b.smin
        && a.smax == b.smax
        && a.umin == b.umin
        && a.umax == b.umax
        && a.s32min == b.s32min
        && a.s32max == b.s32max
        && a.u32min == b.u32min
        && a.u32max == b.u32max;
  }

  private boolean checkIds(int oldId, int curId) {
    if ((oldId == 0) != (curId == 0)) {
      return false;
    }
    if (oldId == 0) {
      return true;
    }
    for (int i = 0; i < idCount; i++) {
      if (idOld[i] == oldId) {
        return idCur[i] == curId;
      }
      if (idCur[i] == curId) {
        return false;
      }
    }
    if (idCount == idOld.length) {
      idOld = java.util.Arrays.copyOf(idOld, idCount * 2);
      idCur = java.util.Arrays.copyOf(idCur, idCount * 2);
    }
    idOld[idCount] = oldId;
    idCur[idCount] = curId;
    idCount++;
    return true;
  }

  private boolean checkScalarIds(int oldId, int curId) {
    return checkIds(oldId == 0 ? ++tmpId : oldId, curId == 0 ? ++tmpId : curId);
  }

  private static boolean rangeWithin(RegState o, RegState c) {
    return o.smin <= c.smin
        && o.smax >= c.smax
        && Bounds.ule(o.umin, c.umin)
        && Bounds.ule(c.umax, o.umax)
        && o.s32min <= c.s32min
        && o.s32max >= c.s32max
        && Bounds.ule32(o.u32min, c.u32min)
        && Bounds.ule32(c.u32max, o.u32max);
  }

  private boolean regsExact(RegState o, RegState c) {
    return o.samePointerShape(c)
        && o.off == c.off
        && o.range == c.range
        && o.varOff.equals(c.varOff)
        && o.smin == c.smin
        && o.smax == c.smax
        && o.umin == c.umin
        && o.umax == c.umax
        && o.s32min == c.s32min
        && o.s32max == c.s32max
        && o.u32min == c.u32min
        && o.u32max == c.u32max
        && checkIds(o.id, c.id)
        && checkIds(o.refObjId, c.refObjId);
  }

  boolean regsafe(RegState o, RegState c) {
    if (exact) {
      return regsExact(o, c);
    }
    if (o.type == RegType.NOT_INIT && (mode == NOT_EXACT || c.type == RegType.NOT_INIT)) {
      return true;
    }
    if (o.type != c.type) {
      return false;
    }
    switch (o.type) {
      case SCALAR:
        // an imprecise scalar of the explored state was never relied on: any value is as safe
        if (!o.precise && mode == NOT_EXACT) {
          return true;
        }
        if ((o.id & RegState.ADD_CONST) != (c.id & RegState.ADD_CONST)
            || ((o.id & RegState.ADD_CONST) != 0 && o.off != c.off)) {
          return false;
        }
        return checkScalarIds(o.id, c.id) && rangeWithin(o, c) && o.varOff.contains(c.varOff);
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        if (o.range > c.range || o.off != c.off) {
          return false;
        }
        return checkIds(o.id, c.id) && rangeWithin(o, c) && o.varOff.contains(c.varOff);
      case PTR_TO_MAP_VALUE:
      case PTR_TO_MAP_KEY:
      case PTR_TO_MEM:
        if (!o.samePointerShape(c) || o.off != c.off) {
          return false;
        }
        return checkIds(o.id, c.id)
            && checkIds(o.refObjId, c.refObjId)
            && rangeWithin(o, c)
            && o.varOff.contains(c.varOff);
      default:
        return regsExact(o, c);
    }
  }

  /**
   * func_states_equal(); {@code deadStack} marks the explored frame's slots that clean_func_state()
   * invalidated (bit = spi).
   */
  boolean funcStatesEqual(FuncState o, FuncState c, int liveRegs, long deadStack) {
    if (o.callbackDepth > c.callbackDepth) {
      return false;
    }
    for (int i = 0; i < FuncState.MAX_REGS; i++) {
      if ((liveRegs & (1 << i)) == 0) {
        continue;
      }
      if (!regsafe(o.regs[i], c.regs[i])) {
        return false;
      }
    }
    return stacksafe(o, c, deadStack) && refsafe(o, c) && o.inCallback == c.inCallback;
  }

  private static final RegState UNBOUND = RegState.unknownScalar();

  /**
   * scalar_reg_for_stack(): a full scalar spill, or the unknown scalar that eight MISC bytes would
   * load as, so that spills and plain data compare like registers.
   */
  private RegState scalarForStack(StackSlot s) {
    if (s.types[0] == StackSlot.SPILL && s.spilled.type == RegType.SCALAR) {
      return s.spilled;
    }
    // is_stack_all_misc(): never-written bytes read as anything when uninit reads are allowed
    boolean misc = true;
    for (byte t : s.types) {
      misc &= t == StackSlot.MISC || (t == StackSlot.INVALID && allowUninitStack);
    }
    return misc ? UNBOUND : null;
  }

  /**
   * stacksafe(): every slot the explored state used is at least as good in the current one; slots
   * in {@code dead} were cleaned from the explored state (all bytes STACK_INVALID).
   */
  private boolean stacksafe(FuncState o, FuncState c, long dead) {
    int n = o.stack.size() * 8;
    // scalar_reg_for_stack() of both slots, made once per slot rather than once per byte
    int scalarsOf = -1;
    RegState oreg = null;
    RegState creg = null;
    for (int i = 0; i < n; i++) {
      int spi = i / 8;
      int j = i % 8;
      StackSlot os = o.stack.get(spi);
      boolean cleaned = spi < 64 && (dead & (1L << spi)) != 0;
      byte ot = cleaned ? StackSlot.INVALID : os.types[j];
      // The kernel requires equal slot types for RANGE_WITHIN too; xdpemu only for EXACT, because
      // its kfunc argument clobbering still differs from the kernel's and callback loops (bpf_loop
      // in
      // xdp-synproxy) would stop converging. Per byte compatibility is still checked below.
      if (exact && (i >= c.stack.size() * 8 || ot != c.stack.get(spi).types[j])) {
        return false;
      }
      if (ot == StackSlot.INVALID) {
        continue;
      }
      if (allowUninitStack && ot == StackSlot.MISC) {
        continue;
      }
      if (i >= c.stack.size() * 8) {
        return false;
      }
      StackSlot cs = c.stack.get(spi);
      if (scalarsOf != spi) {
        scalarsOf = spi;
        oreg = scalarForStack(os);
        creg = scalarForStack(cs);
      }
      if (oreg != null && creg != null) {
        if (!regsafe(oreg, creg)) {
          return false;
        }
        i += 7 - j;
        continue;
      }
      byte ct = cs.types[j];
      if (ot == StackSlot.MISC && ct == StackSlot.ZERO) {
        continue;
      }
      if (ot != ct) {
        return false;
      }
      if (j == 7 && ot == StackSlot.SPILL && !regsafe(os.spilled, cs.spilled)) {
        return false;
      }
    }
    return true;
  }

  private boolean refsafe(FuncState o, FuncState c) {
    if (o.refs.size() != c.refs.size()) {
      return false;
    }
    for (int i = 0; i < o.refs.size(); i++) {
      if (!checkIds(o.refs.get(i)[0], c.refs.get(i)[0])) {
        return false;
      }
    }
    return true;
  }
}
