package io.xdpemu.verifier;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.verifier.HelperProto.Arg;
import java.util.List;

/**
 * Calls and returns: {@code check_helper_call()} with {@code check_func_arg()} against {@link
 * HelperProtos}, XDP metadata kfuncs, BPF-to-BPF calls ({@code check_func_call()}, global
 * functions assumed valid and verified separately), bpf_loop callbacks ({@code
 * push_callback_call()}), {@code prepare_func_exit()} and {@code check_return_code()}.
 */
final class CallChecker {
  private static final String MEM_TYPES =
      "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";

  private final Verifier env;

  CallChecker(Verifier env) {
    this.env = env;
  }

  /** Facts gathered from the arguments ({@code struct bpf_call_arg_meta}). */
  private static final class Meta {
    MapRef map;
    long constKey = -1;
    int rawRegno = -1;
    long rawSize;
    int memSize;
    int releaseRef;
    int callbackSubprog = -1;
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

  private void clearCallerSaved(RegState[] regs) {
    for (int r = 1; r <= 5; r++) {
      regs[r].markNotInit();
      env.scratchReg(r);
    }
  }

  // ---------------------------------------------------------------- helpers

  private int helperCall(Insn insn, int idx) {
    int id = insn.imm();
    String name = HelperNames.name(id);
    if (id < 0 || name == null) {
      throw env.reject("invalid func unknown#" + id);
    }
    HelperProto p = HelperProtos.get(id);
    if (p == null || !HelperProtos.allowedFor(p, true, env.opts.privileged())) {
      throw env.reject("program of this type cannot use helper bpf_" + name + "#" + id);
    }
    Meta meta = new Meta();
    List<Arg> args = p.args();
    for (int i = 0; i < args.size(); i++) {
      checkArg(p, i, args, meta);
    }
    if (meta.map != null) {
      checkMapFuncCompat(meta.map, id, name);
    }
    RegState[] regs = env.cur.regs();
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
        if (isSockMap(meta.map)) {
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

  /** BPF_MAP_TYPE_SOCKMAP (15) and BPF_MAP_TYPE_SOCKHASH (18). */
  private static boolean isSockMap(MapRef m) {
    return m.type() == 15 || m.type() == 18;
  }

  private static boolean isNullConst(RegState r) {
    return r.type == RegType.SCALAR && r.varOff.equalsConst(0);
  }

  private void typeError(int regno, RegState r, String expected) {
    throw env.reject(
        "R" + regno + " type=" + StateFormatter.typeName(r) + " expected=" + expected);
  }

  private static boolean isMemType(RegState r) {
    switch (r.type) {
      case PTR_TO_STACK:
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
      case PTR_TO_MAP_KEY:
      case PTR_TO_MAP_VALUE:
      case PTR_TO_MEM:
        return !r.maybeNull;
      default:
        return false;
    }
  }

  /** check_func_arg(). */
  private void checkArg(HelperProto p, int i, List<Arg> args, Meta meta) {
    int regno = i + 1;
    Arg a = args.get(i);
    RegState reg = env.alu.srcReg(regno);
    switch (a) {
      case ANYTHING:
        if (env.alu.isPointerValue(reg)) {
          throw env.reject("R" + regno + " leaks addr into helper function");
        }
        return;
      case CONST_MAP_PTR:
        if (reg.type != RegType.CONST_PTR_TO_MAP || reg.maybeNull) {
          typeError(regno, reg, "map_ptr");
        }
        meta.map = reg.map;
        return;
      case PTR_TO_CTX:
        if (reg.type != RegType.PTR_TO_CTX) {
          typeError(regno, reg, "ctx");
        }
        if (reg.off != 0 || !reg.varOff.equalsConst(0)) {
          throw env.reject(
              "dereference of modified ctx ptr R" + regno + " off=" + reg.off + " disallowed");
        }
        return;
      case CONST_SIZE:
      case CONST_SIZE_OR_ZERO:
        if (reg.type != RegType.SCALAR) {
          typeError(regno, reg, "scalar");
        }
        checkMemSize(regno, reg, a == Arg.CONST_SIZE_OR_ZERO, args.get(i - 1), meta);
        return;
      case CONST_ALLOC_SIZE_OR_ZERO:
        if (reg.type != RegType.SCALAR) {
          typeError(regno, reg, "scalar");
        }
        if (!reg.varOff.isConst()) {
          throw env.reject("R" + regno + " is not a known constant'");
        }
        meta.memSize = (int) reg.varOff.value();
        return;
      case PTR_TO_FUNC:
        if (reg.type != RegType.PTR_TO_FUNC) {
          typeError(regno, reg, "func");
        }
        meta.callbackSubprog = reg.frameno;
        return;
      case PTR_TO_STACK_OR_NULL:
        if (isNullConst(reg)) {
          return;
        }
        if (reg.type != RegType.PTR_TO_STACK) {
          typeError(regno, reg, "fp");
        }
        return;
      case PTR_TO_RINGBUF_MEM_RELEASE:
        if (reg.type != RegType.PTR_TO_MEM || !reg.ringbuf || reg.maybeNull) {
          typeError(regno, reg, "ringbuf_mem");
        }
        if (reg.off != 0 || !reg.varOff.equalsConst(0)) {
          throw env.reject("R" + regno + " must have zero offset when passed to release func");
        }
        if (reg.refObjId == 0) {
          throw env.reject("R" + regno + " must be referenced when passed to release function");
        }
        meta.releaseRef = reg.refObjId;
        return;
      case PTR_TO_SOCK_RELEASE:
        if ((reg.type != RegType.PTR_TO_SOCKET && reg.type != RegType.PTR_TO_SOCK_COMMON)
            || reg.maybeNull) {
          typeError(regno, reg, "sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_");
        }
        if (reg.refObjId == 0) {
          throw env.reject("R" + regno + " must be referenced when passed to release function");
        }
        meta.releaseRef = reg.refObjId;
        return;
      case PTR_TO_SPIN_LOCK:
      case PTR_TO_TIMER:
        if (reg.type != RegType.PTR_TO_MAP_VALUE || reg.maybeNull) {
          typeError(regno, reg, "map_value");
        }
        return;
      default:
        break;
    }
    if (a == Arg.PTR_TO_MAP_VALUE && meta.map != null && isSockMap(meta.map)) {
      // resolve_map_arg_type(): updating a sockmap/sockhash takes a socket
      if ((reg.type != RegType.PTR_TO_SOCKET && reg.type != RegType.PTR_TO_SOCK_COMMON)
          || reg.maybeNull) {
        typeError(regno, reg, "sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_");
      }
      return;
    }
    // memory arguments
    boolean orNull = a == Arg.PTR_TO_MEM_OR_NULL;
    if (orNull && isNullConst(reg)) {
      return;
    }
    if (!isMemType(reg)) {
      typeError(regno, reg, MEM_TYPES);
    }
    switch (a) {
      case PTR_TO_MAP_KEY:
        if (meta.map == null) {
          throw env.reject("invalid map_ptr to access map->key");
        }
        helperMemAccess(regno, reg, meta.map.keySize(), false, false, null);
        meta.constKey = constMapKey(reg, meta.map.keySize());
        return;
      case PTR_TO_MAP_VALUE:
        if (meta.map == null) {
          throw env.reject("invalid map_ptr to access map->value");
        }
        helperMemAccess(regno, reg, meta.map.valueSize(), false, false, null);
        return;
      case PTR_TO_UNINIT_MAP_VALUE:
        if (meta.map == null) {
          throw env.reject("invalid map_ptr to access map->value");
        }
        helperMemAccess(regno, reg, meta.map.valueSize(), true, false, meta);
        return;
      case PTR_TO_FIXED_SIZE_MEM:
        helperMemAccess(regno, reg, p.fixedSize(), true, false, meta);
        return;
      default:
        // PTR_TO_MEM*, PTR_TO_UNINIT_MEM: size checked with the next argument
        return;
    }
  }

  /** check_mem_size_reg(). */
  private void checkMemSize(int regno, RegState reg, boolean zeroOk, Arg memArg, Meta meta) {
    RegState memReg = env.cur.regs()[regno - 1];
    if (memArg == Arg.PTR_TO_MEM_OR_NULL && isNullConst(memReg)) {
      if (reg.umax != 0 && !zeroOk) {
        throw env.reject("R" + regno + " invalid zero-sized read");
      }
      return;
    }
    if (reg.smin < 0) {
      throw env.reject(
          "R" + regno + " min value is negative, either use unsigned or 'var &= const'");
    }
    if (reg.umin == 0 && !zeroOk) {
      throw env.reject(
          "R" + regno + " invalid zero-sized read: u64=[" + reg.umin + "," + reg.umax + "]");
    }
    if (Long.compareUnsigned(reg.umax, AluChecker.MAX_VAR_OFF) >= 0) {
      throw env.reject(
          "R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
    }
    boolean write = memArg == Arg.PTR_TO_UNINIT_MEM;
    helperMemAccess(regno - 1, memReg, reg.umax, write, zeroOk, reg.varOff.isConst() ? meta : null);
  }

  /** check_helper_mem_access(). */
  private void helperMemAccess(
      int regno, RegState reg, long size, boolean write, boolean zeroOk, Meta meta) {
    switch (reg.type) {
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        if (reg.smin < 0) {
          throw env.reject(
              "R" + regno
                  + " min value is negative, either use unsigned index or do a if (index >=0)"
                  + " check.");
        }
        if (reg.range < 0 || reg.off < 0 || reg.off + size > reg.range) {
          env.errorLine(
              "invalid access to packet, off=" + reg.off + " size=" + size + ", R" + regno
                  + "(id=" + reg.id + ",off=" + reg.off + ",r=" + reg.range + ")");
          throw env.reject("R" + regno + " offset is outside of the packet");
        }
        return;
      case PTR_TO_MAP_KEY:
        if (write) {
          throw env.reject("R" + regno + " cannot write into " + StateFormatter.typeName(reg));
        }
        env.mem.checkMemRegion(regno, reg, reg.off, (int) size, reg.map.keySize(), "memory");
        return;
      case PTR_TO_MAP_VALUE:
        if (write && reg.map.def().readOnly()) {
          throw env.reject(
              "write into map forbidden, value_size=" + reg.map.valueSize() + " off=" + reg.off
                  + " size=" + size);
        }
        if (size == 0 && zeroOk) {
          return;
        }
        env.mem.checkMemRegion(regno, reg, reg.off, (int) size, reg.map.valueSize(), "map value");
        return;
      case PTR_TO_MEM:
        if (write && reg.rdonly) {
          throw env.reject("R" + regno + " cannot write into " + StateFormatter.typeName(reg));
        }
        if (size == 0 && zeroOk) {
          return;
        }
        env.mem.checkMemRegion(regno, reg, reg.off, (int) size, reg.memSize, "memory");
        return;
      case PTR_TO_STACK:
        stackRangeInitialized(regno, reg, (int) size, write, zeroOk, meta);
        return;
      default:
        throw env.reject("R" + regno + " type=" + StateFormatter.typeName(reg) + " expected=fp");
    }
  }

  /** check_stack_range_initialized(). */
  private void stackRangeInitialized(
      int regno, RegState reg, int size, boolean write, boolean zeroOk, Meta meta) {
    if (size == 0 && !zeroOk) {
      throw env.reject("invalid zero-sized read");
    }
    FuncState f = env.mem.stackFrame(reg);
    env.mem.checkStackBounds(regno, reg, reg.off, size, write, f, "");
    long minOff;
    long maxOff;
    if (reg.varOff.isConst()) {
      minOff = reg.varOff.value() + reg.off;
      maxOff = minOff;
    } else {
      minOff = reg.smin + reg.off;
      maxOff = reg.smax + reg.off;
      meta = null;
    }
    if (write && meta != null) {
      meta.rawRegno = regno;
      meta.rawSize = size;
      return;
    }
    for (long i = minOff; i < maxOff + size; i++) {
      int slot = (int) (-i - 1);
      int spi = slot / 8;
      StackSlot s = f.slotOrNull(spi);
      byte t = s == null ? StackSlot.INVALID : s.types[slot % 8];
      if (t == StackSlot.MISC || t == StackSlot.ZERO) {
        if (write) {
          f.slot(spi).types[slot % 8] = StackSlot.MISC;
        }
        continue;
      }
      if (t == StackSlot.INVALID && env.allowUninitStack) {
        if (write) {
          f.slot(spi).types[slot % 8] = StackSlot.MISC;
        }
        continue;
      }
      if (s != null && s.isSpill() && (s.spilled.type == RegType.SCALAR || env.allowPtrLeaks)) {
        if (write) {
          s.invalidateSpill();
        }
        continue;
      }
      if (reg.varOff.isConst()) {
        throw env.reject(
            "invalid indirect read from stack R" + regno + " off " + minOff + "+" + (i - minOff)
                + " size " + size);
      }
      throw env.reject(
          "invalid indirect read from stack R" + regno + " var_off "
              + AluChecker.tnumStr(reg.varOff) + "+" + i + " size " + size);
    }
  }

  /** get_constant_map_key() (Linux 6.14+): a key on the stack whose value is known. */
  private long constMapKey(RegState key, int keySize) {
    if (key.type != RegType.PTR_TO_STACK || !key.varOff.isConst()) {
      return -1;
    }
    FuncState f = env.mem.stackFrame(key);
    long stackOff = key.off + key.varOff.value();
    int slot = (int) (-stackOff - 1);
    int spi = slot / 8;
    int off = slot % 8;
    StackSlot s = f.slotOrNull(spi);
    if (s == null) {
      return -1;
    }
    int zeroSize = 0;
    for (int i = off; i >= 0 && s.types[i] == StackSlot.ZERO; i--) {
      zeroSize++;
    }
    if (zeroSize >= keySize) {
      return 0;
    }
    if (!s.isSpill() || s.spilled.type != RegType.SCALAR) {
      return -1;
    }
    int spillSize = 0;
    for (int i = off; i >= 0 && s.types[i] == StackSlot.SPILL; i--) {
      spillSize++;
    }
    if (spillSize != keySize || !s.spilled.varOff.isConst()) {
      return -1;
    }
    return s.spilled.varOff.value();
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
      for (StackSlot s : st.frames[f].stack) {
        if (s.isSpill() && s.spilled.refObjId == refObjId) {
          invalidate(s.spilled);
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
      for (StackSlot s : st.frames[f].stack) {
        if (s.isSpill() && (s.spilled.isPacket() || s.spilled.type == RegType.PTR_TO_PACKET_END)) {
          invalidate(s.spilled);
        }
      }
    }
  }

  // ---------------------------------------------------------------- callbacks

  /** push_callback_call(): explore the callback as a frame called from {@code idx}. */
  private void pushCallback(Insn insn, int idx, Meta meta, int helperId) {
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
      if (!isMemType(r)) {
        throw env.reject(
            "arg#" + (i + 1) + " pointer type UNKNOWN must point to scalar, or struct with scalar");
      }
      Meta meta = new Meta();
      helperMemAccess(regno, r, sizes[i], true, false, meta);
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
          if (isNullConst(r)) {
            break;
          }
          if (!isMemType(r)) {
            typeError(i + 1, r, MEM_TYPES);
          }
          helperMemAccess(i + 1, r, sp.fn.argSizes().get(i), false, false, null);
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
    FuncState callee = st.cur();
    FuncState caller = st.frames[st.curframe - 1];
    RegState r0 = callee.regs[0];
    if (r0.type == RegType.NOT_INIT) {
      throw env.reject("R0 !read_ok");
    }
    if (r0.type == RegType.PTR_TO_STACK) {
      throw env.reject("cannot return stack pointer to the caller");
    }
    int next;
    if (callee.inCallback) {
      if (r0.type != RegType.SCALAR) {
        throw env.reject("R0 not a scalar value");
      }
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
      return next;
    }
    st.prevInsnIdx = st.insnIdx;
    st.insnIdx = next;
    return Verifier.FRAME_RETURNED;
  }
}
