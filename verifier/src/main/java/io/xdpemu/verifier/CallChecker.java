package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.verifier.HelperProto.Arg;
import java.util.List;

/**
 * Calls and returns: {@code check_helper_call()} with {@code check_func_arg()} against {@link
 * HelperProtos}, XDP metadata kfuncs, BPF-to-BPF calls ({@code check_func_call()}, global functions
 * assumed valid and verified separately), bpf_loop callbacks ({@code push_callback_call()}), {@code
 * prepare_func_exit()} and {@code check_return_code()}.
 */
final class CallChecker {
  private final Verifier env;
  private final HelperArgChecker args;
  private final KfuncChecker kfuncs;

  CallChecker(Verifier env) {
    this.env = env;
    this.args = new HelperArgChecker(env);
    this.kfuncs = new KfuncChecker(env, args);
  }

  int checkCall(Insn insn, int idx) {
    if (insn.src() == Opcodes.PSEUDO_CALL) {
      return funcCall(insn, idx);
    }
    if (insn.src() == Opcodes.PSEUDO_KFUNC_CALL) {
      return kfuncCall(insn, idx);
    }
    if (insn.src() != 0 || insn.dst() != 0 || insn.off() != 0) {
      throw env.reject("BPF_CALL uses reserved fields");
    }
    return helperCall(insn, idx);
  }

  /** The helper's name without "bpf_" (messages add it), from ebpf-vm's one table; or null. */
  static String helperName(int id) {
    String n = io.xdpemu.ebpf.isa.HelperNames.name(id);
    return n == null ? null : n.substring("bpf_".length());
  }

  private void clearCallerSaved(RegState[] regs) {
    for (int r = 1; r <= 5; r++) {
      regs[r].markNotInit();
      env.scratchReg(r);
    }
  }

  // ---------------------------------------------------------------- helpers

  private int helperCall(Insn insn, int idx) {
    int id = insn.imm();
    String name = helperName(id);
    if (id < 0 || name == null) {
      throw env.reject("invalid func unknown#" + id);
    }
    HelperProto p = HelperProtos.get(id);
    if (p == null || !HelperProtos.allowedFor(p, true, env.opts.privileged())) {
      throw env.reject("program of this type cannot use helper bpf_" + name + "#" + id);
    }
    CallArgMeta meta = new CallArgMeta();
    List<Arg> protoArgs = p.args();
    for (int i = 0; i < protoArgs.size(); i++) {
      args.checkArg(p, i, protoArgs, meta);
    }
    if (meta.map != null) {
      checkMapFuncCompat(meta.map, id, name);
    }
    RegState[] regs = env.cur.regs();
    if (id == HelperProtos.TAIL_CALL
        && meta.map != null
        && regs[3].isConst()
        && Long.compareUnsigned(regs[3].varOff.value(), meta.map.maxEntries() & 0xffffffffL) < 0) {
      env.precision.markReg(3); // record_func_key(): a constant index is relied on
    }
    if (meta.rawRegno >= 0) {
      RegState r = regs[meta.rawRegno];
      for (long i = 0; i < meta.rawSize; i++) {
        env.mem.accessWithValue(meta.rawRegno, (int) i, 1, true, -1, false, null, false);
      }
      regs[meta.rawRegno] = r;
    }
    if (meta.releaseRef != 0) {
      releaseReference(meta.releaseRef);
    }
    if (p.changesPktData()) {
      clearAllPktPointers();
    }
    if (id == HelperProtos.FOR_EACH_MAP_ELEM) {
      pushCallback(insn, idx, meta, id);
    } else if (id == HelperProtos.LOOP) {
      // bpf_loop: explore one more callback run only while fewer than nr_loops have been
      updateLoopInlineState(idx, meta.callbackSubprog);
      env.precision.markReg(1);
      FuncState caller = env.cur.cur();
      if (Long.compareUnsigned(caller.callbackDepth, regs[1].umax) < 0) {
        pushCallback(insn, idx, meta, id);
      } else {
        caller.callbackDepth = 0;
        if (env.level2()) {
          env.verbose("frame" + env.cur.curframe + " bpf_loop iteration limit reached\n");
        }
      }
    }
    clearCallerSaved(regs);
    RegState r0 = regs[0];
    env.scratchReg(0);
    switch (p.ret()) {
      case VOID:
        r0.markNotInit();
        break;
      case PTR_TO_MAP_VALUE_OR_NULL:
        r0.markUnknown();
        r0.markKnown(0);
        r0.type = RegType.PTR_TO_MAP_VALUE;
        r0.map = meta.map;
        if (HelperArgChecker.isSockMap(meta.map)) {
          // is_acquire_function(): a socket from a sockmap is a reference to release
          r0.type = RegType.PTR_TO_SOCKET;
          r0.map = null;
          r0.maybeNull = true;
          r0.id = env.newId();
          r0.refObjId = r0.id;
          env.cur.cur().refs.add(new int[] {r0.id, idx});
          break;
        }
        if ((meta.map.type() == 12 || meta.map.type() == 13) && meta.map.def().inner() != null) {
          // ARRAY_OF_MAPS / HASH_OF_MAPS: the value is the inner map
          r0.type = RegType.CONST_PTR_TO_MAP;
          r0.map = new MapRef(meta.map.index(), meta.map.def().inner());
        }
        boolean elide =
            id == HelperProtos.MAP_LOOKUP_ELEM
                && (meta.map.type() == 2 || meta.map.type() == 6)
                && meta.constKey >= 0
                && meta.constKey < (meta.map.maxEntries() & 0xffffffffL);
        if (!elide) {
          r0.maybeNull = true;
          r0.id = env.newId();
        }
        break;
      case PTR_TO_RINGBUF_MEM_OR_NULL:
        r0.markUnknown();
        r0.markKnown(0);
        r0.type = RegType.PTR_TO_MEM;
        r0.ringbuf = true;
        r0.maybeNull = true;
        r0.memSize = meta.memSize;
        r0.id = env.newId();
        r0.refObjId = r0.id;
        env.cur.cur().refs.add(new int[] {r0.id, idx});
        break;
      case PTR_TO_SOCKET_OR_NULL:
      case PTR_TO_SOCK_COMMON_OR_NULL:
        r0.markUnknown();
        r0.markKnown(0);
        r0.type =
            p.ret() == HelperProto.Ret.PTR_TO_SOCKET_OR_NULL
                ? RegType.PTR_TO_SOCKET
                : RegType.PTR_TO_SOCK_COMMON;
        r0.maybeNull = true;
        r0.id = env.newId();
        r0.refObjId = r0.id;
        env.cur.cur().refs.add(new int[] {r0.id, idx});
        break;
      default:
        r0.markUnknown();
        if (id == 45 || id == 67 || id == 114 || id == 115 || id == 141) {
          // do_refine_retval_range(): probe_read_*_str and get_*stack return at most the size
          // given, or a negative errno
          r0.smax = meta.msizeMax;
          r0.s32max = (int) meta.msizeMax;
          r0.smin = -4095;
          r0.s32min = -4095;
          Bounds.sync(r0);
        } else if (id == HelperProtos.GET_SMP_PROCESSOR_ID) {
          // do_refine_retval_range(): a CPU id is below nr_cpu_ids (see VerifierOptions)
          r0.umin = 0;
          r0.smin = 0;
          r0.u32min = 0;
          r0.s32min = 0;
          r0.umax = env.opts.nrCpuIds() - 1;
          r0.smax = r0.umax;
          r0.u32max = (int) r0.umax;
          r0.s32max = (int) r0.umax;
          Bounds.sync(r0);
        }
        break;
    }
    return idx + 1;
  }

  /** check_map_func_compatibility() for the map types XDP programs meet. */
  private void checkMapFuncCompat(MapRef map, int id, String name) {
    int t = map.type();
    boolean ringbufHelper = id >= 130 && id <= 134;
    boolean ok = true;
    if (t == 27) { // BPF_MAP_TYPE_RINGBUF
      ok = ringbufHelper;
    } else if (ringbufHelper) {
      ok = false;
    }
    if (id == HelperProtos.TAIL_CALL && t != 3) {
      ok = false;
    }
    if (t == 3 && id != HelperProtos.TAIL_CALL) {
      ok = false;
    }
    if (!ok) {
      throw env.reject("cannot pass map_type " + t + " into func bpf_" + name + "#" + id);
    }
  }

  /** release_reference(): every copy of the released pointer becomes invalid. */
  private void releaseReference(int refObjId) {
    VerifierState st = env.cur;
    boolean found = false;
    for (int f = 0; f <= st.curframe; f++) {
      found |= st.frames[f].refs.removeIf(r -> r[0] == refObjId);
    }
    if (!found) {
      throw env.reject("verifier internal error: reference " + refObjId + " not found");
    }
    for (int f = 0; f <= st.curframe; f++) {
      for (RegState r : st.frames[f].regs) {
        if (r.refObjId == refObjId) {
          invalidate(r);
        }
      }
      FuncState fs = st.frames[f];
      for (int spi = 0; spi < fs.stack.size(); spi++) {
        StackSlot s = fs.stack.get(spi);
        if (s.isSpill() && s.spilled.refObjId == refObjId) {
          invalidate(fs.writableSlot(spi).spilled);
        }
      }
    }
  }

  /** mark_reg_invalid(): unknown scalar for privileged loaders, NOT_INIT otherwise. */
  private void invalidate(RegState r) {
    if (env.allowPtrLeaks) {
      r.markUnknown();
    } else {
      r.markNotInit();
    }
  }

  /** clear_all_pkt_pointers(). */
  private void clearAllPktPointers() {
    VerifierState st = env.cur;
    for (int f = 0; f <= st.curframe; f++) {
      for (RegState r : st.frames[f].regs) {
        if (r.isPacket() || r.type == RegType.PTR_TO_PACKET_END) {
          invalidate(r);
        }
      }
      FuncState fs = st.frames[f];
      for (int spi = 0; spi < fs.stack.size(); spi++) {
        StackSlot s = fs.stack.get(spi);
        if (s.isSpill() && (s.spilled.isPacket() || s.spilled.type == RegType.PTR_TO_PACKET_END)) {
          invalidate(fs.writableSlot(spi).spilled);
        }
      }
    }
  }

  // ---------------------------------------------------------------- callbacks

  /** Per bpf_loop call: 0 not seen, else callback subprog + 1 while still fit for inlining. */
  private int[] loopInline;

  /**
   * update_loop_inline_state(): a bpf_loop call with flags known to be 0 on every path can be
   * inlined, so a zero R4 is relied on (precise) as long as that holds.
   */
  private void updateLoopInlineState(int idx, int subprog) {
    if (loopInline == null) {
      loopInline = new int[env.insns.length];
    }
    int st = loopInline[idx];
    if (st < 0) {
      return;
    }
    RegState flags = env.cur.regs()[4];
    boolean zero = flags.isConst() && flags.varOff.value() == 0;
    if (zero) {
      env.precision.markReg(4);
    }
    loopInline[idx] = zero && (st == 0 || st == subprog + 1) ? subprog + 1 : -1;
  }

  /** push_callback_call(): explore the callback as a frame called from {@code idx}. */
  private void pushCallback(Insn insn, int idx, CallArgMeta meta, int helperId) {
    if (meta.callbackSubprog < 0) {
      throw env.reject("verifier internal error: callback without function");
    }
    FuncState caller = env.cur.cur();
    if (env.cur.curframe + 1 >= Verifier.MAX_CALL_FRAMES) {
      throw env.reject("the call stack of " + (env.cur.curframe + 2) + " frames is too deep");
    }
    Cfg.Subprog sp = env.cfg.subprog(meta.callbackSubprog);
    RegState ctxArg = caller.regs[3].copy();
    VerifierState branch = env.pushBranch(sp.start, idx);
    FuncState callee = new FuncState(branch.curframe + 1, idx, meta.callbackSubprog);
    if (helperId == HelperProtos.LOOP) {
      RegState index = RegState.unknownScalar();
      index.umax = Bounds.U32_MAX;
      index.smin = 0;
      index.smax = Bounds.U32_MAX;
      Bounds.sync(index);
      callee.regs[1] = index;
      callee.regs[2] = ctxArg;
    } else {
      callee.regs[1] = RegState.pointer(RegType.CONST_PTR_TO_MAP);
      callee.regs[1].map = meta.map;
      RegState key = RegState.pointer(RegType.PTR_TO_MAP_KEY);
      key.map = meta.map;
      callee.regs[2] = key;
      RegState val = RegState.pointer(RegType.PTR_TO_MAP_VALUE);
      val.map = meta.map;
      callee.regs[3] = val;
      callee.regs[4] = ctxArg;
    }
    callee.regs[10] = RegState.pointer(RegType.PTR_TO_STACK);
    callee.regs[10].frameno = callee.frameno;
    callee.inCallback = true;
    callee.callbackRetMin = 0;
    callee.callbackRetMax = 1;
    branch.frames[branch.curframe].callbackDepth++;
    caller.callbackDepth = 0;
    branch.curframe++;
    branch.frames[branch.curframe] = callee;
  }

  // ---------------------------------------------------------------- kfuncs

  private int kfuncCall(Insn insn, int idx) {
    String name = env.info.kfuncName(idx);
    if (name == null) {
      throw env.reject("calling kernel function " + insn.imm() + " is not allowed");
    }
    if (KfuncChecker.handles(name)) {
      int released = kfuncs.check(name, idx);
      if (released != 0) {
        releaseReference(released);
      }
      RegState[] regs = env.cur.regs();
      clearCallerSaved(regs);
      kfuncs.setReturn(name, idx);
      env.scratchReg(0);
      return idx + 1;
    }
    int[] sizes;
    switch (name) {
      case "bpf_xdp_metadata_rx_timestamp":
        sizes = new int[] {8};
        break;
      case "bpf_xdp_metadata_rx_hash":
        sizes = new int[] {4, 4};
        break;
      case "bpf_xdp_metadata_rx_vlan_tag":
        sizes = new int[] {2, 2};
        break;
      default:
        throw env.reject("calling kernel function " + name + " is not allowed");
    }
    RegState ctx = env.alu.srcReg(1);
    if (ctx.type != RegType.PTR_TO_CTX) {
      throw env.reject("arg#0 expected pointer to ctx, but got " + StateFormatter.typeName(ctx));
    }
    for (int i = 0; i < sizes.length; i++) {
      int regno = i + 2;
      RegState r = env.alu.srcReg(regno);
      if (!HelperArgChecker.isMemType(r)) {
        throw env.reject(
            "arg#" + (i + 1) + " pointer type UNKNOWN must point to scalar, or struct with scalar");
      }
      CallArgMeta meta = new CallArgMeta();
      args.helperMemAccess(regno, r, sizes[i], true, false, meta);
      if (meta.rawRegno >= 0) {
        for (int b = 0; b < sizes[i]; b++) {
          env.mem.accessWithValue(regno, b, 1, true, -1, false, null, false);
        }
      }
    }
    RegState[] regs = env.cur.regs();
    clearCallerSaved(regs);
    regs[0].markUnknown();
    env.scratchReg(0);
    return idx + 1;
  }

  // ---------------------------------------------------------------- BPF-to-BPF calls

  private int funcCall(Insn insn, int idx) {
    int target = idx + insn.imm() + 1;
    int sub = env.cfg.subprogAt(target);
    if (sub < 0) {
      throw env.reject("verifier bug. No program starts at insn " + target);
    }
    VerifierState st = env.cur;
    if (st.curframe + 1 >= Verifier.MAX_CALL_FRAMES) {
      throw env.reject("the call stack of " + (st.curframe + 2) + " frames is too deep");
    }
    Cfg.Subprog sp = env.cfg.subprog(sub);
    RegState[] regs = st.regs();
    if (sp.global) {
      checkGlobalCallArgs(sp, regs);
      env.verbose("Func#" + sub + " ('" + sp.name + "') is global and assumed valid.\n");
      env.cfg.markCalled(sub);
      if (sp.changesPktData) {
        clearAllPktPointers(); // the global function may have moved the packet
      }
      clearCallerSaved(regs);
      regs[0].markUnknown();
      env.scratchReg(0);
      return idx + 1;
    }
    FuncState caller = st.cur();
    FuncState callee = new FuncState(st.curframe + 1, idx, sub);
    for (int r = 1; r <= 5; r++) {
      callee.regs[r] = regs[r].copy();
    }
    callee.regs[10] = RegState.pointer(RegType.PTR_TO_STACK);
    callee.regs[10].frameno = callee.frameno;
    callee.refs.addAll(caller.refs);
    caller.refs.clear();
    for (int r = 1; r <= 5; r++) {
      regs[r].markNotInit();
    }
    st.curframe++;
    st.frames[st.curframe] = callee;
    env.liveness.callchainChanged();
    if (env.log.enabled()) {
      env.verbose("caller:\n" + env.stateString(caller, true) + "\n");
      env.verbose("callee:\n" + env.stateString(callee, true) + "\n");
    }
    env.scratchAll();
    return target;
  }

  /** btf_check_subprog_call(): arguments must match the global function's BTF prototype. */
  private void checkGlobalCallArgs(Cfg.Subprog sp, RegState[] regs) {
    List<ProgramInfo.ArgKind> kinds = sp.fn.args();
    for (int i = 0; i < kinds.size() && i < 5; i++) {
      RegState r = regs[i + 1];
      env.scratchReg(i + 1);
      switch (kinds.get(i)) {
        case CTX:
          if (r.type != RegType.PTR_TO_CTX) {
            throw env.reject(
                "arg#" + i + " expected pointer to ctx, but got " + StateFormatter.typeName(r));
          }
          break;
        case SCALAR:
          if (r.type != RegType.SCALAR) {
            throw env.reject("R" + (i + 1) + " is not a scalar");
          }
          break;
        case MEM:
          if (HelperArgChecker.isNullConst(r)) {
            break;
          }
          if (!HelperArgChecker.isMemType(r)) {
            args.typeError(i + 1, r, HelperArgChecker.MEM_TYPES);
          }
          args.helperMemAccess(i + 1, r, sp.fn.argSizes().get(i), false, false, null);
          break;
        default:
          throw env.reject("arg#" + i + " reference type('UNKNOWN ') size cannot be determined");
      }
    }
  }

  /** btf_prepare_func_args(): the entry state of a global function. */
  void initGlobalArgs(Cfg.Subprog sp, FuncState f) {
    List<ProgramInfo.ArgKind> kinds = sp.fn.args();
    for (int i = 0; i < kinds.size() && i < 5; i++) {
      RegState r;
      switch (kinds.get(i)) {
        case CTX:
          r = RegState.pointer(RegType.PTR_TO_CTX);
          break;
        case MEM:
          r = RegState.pointer(RegType.PTR_TO_MEM);
          r.memSize = sp.fn.argSizes().get(i);
          r.maybeNull = true;
          r.id = env.newId();
          break;
        default:
          r = RegState.unknownScalar();
          break;
      }
      f.regs[i + 1] = r;
    }
  }

  // ---------------------------------------------------------------- exit

  int checkExit(Insn insn, int idx) {
    if (insn.imm() != 0 || insn.src() != 0 || insn.dst() != 0 || insn.cls() == Opcodes.JMP32) {
      throw env.reject("BPF_EXIT uses reserved fields");
    }
    VerifierState st = env.cur;
    if (st.curframe > 0) {
      return prepareFuncExit(st);
    }
    FuncState f = st.cur();
    if (!f.refs.isEmpty()) {
      int[] ref = f.refs.get(0);
      env.errorLine("Unreleased reference id=" + ref[0] + " alloc_insn=" + ref[1]);
      throw env.reject("BPF_EXIT instruction in main prog would lead to reference leak");
    }
    RegState r0 = env.alu.srcReg(0);
    if (f.subprog != 0) {
      if (r0.type != RegType.SCALAR) {
        throw env.reject(
            "At subprogram exit the register R0 is not a scalar value ("
                + StateFormatter.typeName(r0)
                + ")");
      }
      return Verifier.EXIT_PATH;
    }
    if (env.alu.isPointerValue(r0)) {
      throw env.reject("R0 leaks addr as return value");
    }
    return Verifier.EXIT_PATH;
  }

  /** prepare_func_exit(). */
  private int prepareFuncExit(VerifierState st) {
    env.liveness.update(st); // the callee's reads and writes reach its call site
    FuncState callee = st.cur();
    FuncState caller = st.frames[st.curframe - 1];
    // A static subprogram may return void: prepare_func_exit() copies an uninitialised R0 to the
    // caller, and only the caller's read of it fails ("R0 !read_ok"), as in the kernel.
    RegState r0 = callee.regs[0];
    if (r0.type == RegType.PTR_TO_STACK) {
      throw env.reject("cannot return stack pointer to the caller");
    }
    int next;
    if (callee.inCallback) {
      if (r0.type != RegType.SCALAR) {
        throw env.reject("R0 not a scalar value");
      }
      env.precision.markReg(0); // the return value's range is relied on
      if (r0.smin < callee.callbackRetMin || r0.smax > callee.callbackRetMax) {
        throw env.reject(
            "At callback return the register R0 has smin="
                + r0.smin
                + " smax="
                + r0.smax
                + " should have been in ["
                + callee.callbackRetMin
                + ", "
                + callee.callbackRetMax
                + "]");
      }
      next = callee.callsite;
    } else {
      caller.regs[0] = r0.copy();
      next = callee.callsite + 1;
    }
    caller.refs.addAll(callee.refs);
    if (env.log.enabled()) {
      env.verbose("returning from callee:\n" + env.stateString(callee, true) + "\n");
      env.verbose("to caller at " + next + ":\n" + env.stateString(caller, true) + "\n");
    }
    st.frames[st.curframe] = null;
    st.curframe--;
    if (callee.inCallback) {
      // Re-run the helper call with the caller's state after one more iteration.
      caller.regs[0].markNotInit();
      st.prevInsnIdx = st.insnIdx;
      st.insnIdx = next;
      // widen what changed and was not relied on, so that the runs converge
      VerifierState prev = env.pruner.findPrevEntry(st, next);
      if (prev != null) {
        env.precision.widen(prev, st);
      }
      return next;
    }
    st.prevInsnIdx = st.insnIdx;
    st.insnIdx = next;
    return Verifier.FRAME_RETURNED;
  }
}
