package io.xdpemu.verifier;

import io.xdpemu.verifier.HelperProto.Arg;
import java.util.List;

/**
 * Helper arguments against their prototype: {@code check_func_arg()}, {@code check_reg_type()},
 * {@code check_mem_size_reg()}, {@code check_helper_mem_access()}, {@code
 * check_stack_range_initialized()} and 6.14's {@code get_constant_map_key()}.
 */
final class HelperArgChecker {
  static final String MEM_TYPES =
      "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";

  private final Verifier env;

  HelperArgChecker(Verifier env) {
    this.env = env;
  }

  /** BPF_MAP_TYPE_SOCKMAP (15) and BPF_MAP_TYPE_SOCKHASH (18). */
  static boolean isSockMap(MapRef m) {
    return m.type() == 15 || m.type() == 18;
  }

  static boolean isNullConst(RegState r) {
    return r.type == RegType.SCALAR && r.varOff.equalsConst(0);
  }

  void typeError(int regno, RegState r, String expected) {
    throw env.reject("R" + regno + " type=" + StateFormatter.typeName(r) + " expected=" + expected);
  }

  static boolean isMemType(RegState r) {
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
  void checkArg(HelperProto p, int i, List<Arg> args, CallArgMeta meta) {
    int regno = i + 1;
    Arg a = args.get(i);
    RegState reg = env.alu.srcReg(regno);
    switch (a) {
      case ANYTHING:
        if (env.allowPtrLeaks && p.readsThrough(i)) {
          return; // an address the helper reads through, not data that would carry it
        }
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
        env.precision.markReg(regno);
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
      env.precision.markReg(regno); // the NULL is relied on (the kernel marks it precise)
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
        meta.constKey =
            constMapKey(reg, meta.map.keySize(), meta.map.type() == 2 || meta.map.type() == 6);
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
        // MEM_WRITE without MEM_UNINIT: not raw mode; the bytes must be initialized and are
        // clobbered (check_stack_range_initialized)
        helperMemAccess(regno, reg, p.fixedSize(), true, false, null);
        return;
      case PTR_TO_IPHDR:
      case PTR_TO_TCPHDR:
        helperMemAccess(regno, reg, 20, false, false, null);
        return;
      case PTR_TO_IPV6HDR:
        helperMemAccess(regno, reg, 40, false, false, null);
        return;
      default:
        // PTR_TO_MEM*, PTR_TO_UNINIT_MEM: size checked with the next argument
        return;
    }
  }

  /** check_mem_size_reg(). */
  private void checkMemSize(int regno, RegState reg, boolean zeroOk, Arg memArg, CallArgMeta meta) {
    // A NULL memory argument gets the same size checks, in the same order: only a size of 0 can
    // go with it (check_helper_mem_access), and an unbounded one is refused first (Linux 6.18:
    // bpf_csum_diff(.., to = NULL, r4 in [1, U32_MAX]) is "R4 unbounded memory access", r4 in
    // [0, 15] "R3 type=scalar expected=fp"; differential seed 2101222).
    RegState memReg = env.cur.regs()[regno - 1];
    if (meta != null) {
      meta.msizeMax = reg.umax; // do_refine_retval_range() bounds some results by it
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
    // MEM_WRITE (uninit or read-write memory): the helper writes, so the stack bytes become
    // unknown data (check_stack_range_initialized's clobber); only MEM_UNINIT is raw mode
    boolean write = memArg == Arg.PTR_TO_UNINIT_MEM || memArg == Arg.PTR_TO_MEM_RW;
    boolean raw = memArg == Arg.PTR_TO_UNINIT_MEM && reg.varOff.isConst();
    helperMemAccess(regno - 1, memReg, reg.umax, write, zeroOk, raw ? meta : null);
    env.precision.markReg(regno); // the size is relied on
  }

  /** check_helper_mem_access(). */
  void helperMemAccess(
      int regno, RegState reg, long size, boolean write, boolean zeroOk, CallArgMeta meta) {
    switch (reg.type) {
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        if (reg.smin < 0) {
          throw env.reject(
              "R"
                  + regno
                  + " min value is negative, either use unsigned index or do a if (index >=0)"
                  + " check.");
        }
        if (reg.range < 0 || reg.off < 0 || reg.off + size > reg.range) {
          env.errorLine(
              "invalid access to packet, off="
                  + reg.off
                  + " size="
                  + size
                  + ", R"
                  + regno
                  + "(id="
                  + reg.id
                  + ",off="
                  + reg.off
                  + ",r="
                  + reg.range
                  + ")");
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
              "write into map forbidden, value_size="
                  + reg.map.valueSize()
                  + " off="
                  + reg.off
                  + " size="
                  + size);
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
        if (zeroOk && size == 0 && isNullConst(reg)) {
          return; // a zero-byte access of NULL, whatever the pointer type
        }
        throw env.reject("R" + regno + " type=" + StateFormatter.typeName(reg) + " expected=fp");
    }
  }

  /** check_stack_range_initialized(). */
  private void stackRangeInitialized(
      int regno, RegState reg, int size, boolean write, boolean zeroOk, CallArgMeta meta) {
    if (size == 0 && !zeroOk) {
      throw env.reject("invalid zero-sized read");
    }
    FuncState f = env.mem.stackFrame(reg);
    env.mem.checkStackBounds(regno, reg, reg.off, size, write, f);
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
        env.liveness.read(f.frameno, spi);
        continue;
      }
      if (t == StackSlot.INVALID && env.allowUninitStack) {
        if (write) {
          f.slot(spi).types[slot % 8] = StackSlot.MISC;
        } else {
          env.mem.noteUninitRead();
        }
        env.liveness.read(f.frameno, spi);
        continue;
      }
      if (s != null && s.isSpill() && (s.spilled.type == RegType.SCALAR || env.leakAddress())) {
        if (write) {
          // scrub_spilled_slot() on all eight bytes: whatever was written, zeros included,
          // becomes unknown data
          f.writableSlot(spi).scrub();
        }
        env.liveness.read(f.frameno, spi);
        continue;
      }
      if (reg.varOff.isConst()) {
        throw env.reject(
            "invalid indirect read from stack R"
                + regno
                + " off "
                + minOff
                + "+"
                + (i - minOff)
                + " size "
                + size);
      }
      throw env.reject(
          "invalid indirect read from stack R"
              + regno
              + " var_off "
              + AluChecker.tnumStr(reg.varOff)
              + "+"
              + i
              + " size "
              + size);
    }
  }

  /** get_constant_map_key() (Linux 6.14+): a key on the stack whose value is known. */
  private long constMapKey(RegState key, int keySize, boolean canElideNullness) {
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
    if (canElideNullness) {
      env.precision.markSlot(f.frameno, spi); // the constant key is relied on
    }
    return s.spilled.varOff.value();
  }
}
