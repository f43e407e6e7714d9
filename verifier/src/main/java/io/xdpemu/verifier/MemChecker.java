package io.xdpemu.verifier;

import io.xdpemu.ebpf.elf.XdpAttachType;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;

/**
 * Loads, stores and atomics: {@code check_mem_access()} with its per-type checks (context as {@code
 * xdp_is_valid_access()}, packet as {@code check_packet_access()}, map value and memory as {@code
 * check_mem_region_access()}, stack as {@code check_stack_read/write_fixed_off()}).
 */
final class MemChecker {
  static final int XDP_MD_SIZE = 24;

  private final Verifier env;

  /**
   * Instructions that may read stack bytes never written on some path (root only: the kernel allows
   * it and the value is whatever the stack held, so a run's result there is undefined).
   */
  private boolean[] uninitStackRead;

  /** check_mem_access()'s strict_alignment_once: atomics need aligned operands on every type. */
  private boolean strictAlignmentOnce;

  MemChecker(Verifier env) {
    this.env = env;
  }

  void checkLoad(Insn insn, int idx) {
    int mode = insn.opcode() & 0xe0;
    if (mode != Opcodes.MEM && mode != Opcodes.MEMSX) {
      throw env.reject("BPF_LDX uses reserved fields");
    }
    env.alu.srcReg(insn.src());
    env.alu.dstReg(insn.dst());
    access(
        insn.src(),
        insn.off(),
        Opcodes.sizeBytes(insn.opcode()),
        false,
        insn.dst(),
        mode == Opcodes.MEMSX);
  }

  void checkStoreReg(Insn insn, int idx) {
    if ((insn.opcode() & 0xe0) != Opcodes.MEM || insn.imm() != 0) {
      throw env.reject("BPF_STX uses reserved fields");
    }
    env.alu.srcReg(insn.src());
    env.alu.srcReg(insn.dst());
    access(insn.dst(), insn.off(), Opcodes.sizeBytes(insn.opcode()), true, insn.src(), false);
  }

  void checkStoreImm(Insn insn, int idx) {
    if ((insn.opcode() & 0xe0) != Opcodes.MEM || insn.src() != 0) {
      throw env.reject("BPF_ST uses reserved fields");
    }
    env.alu.srcReg(insn.dst());
    RegState imm = RegState.constScalar(insn.imm());
    accessWithValue(
        insn.dst(), insn.off(), Opcodes.sizeBytes(insn.opcode()), true, -1, false, imm, true);
  }

  /** check_atomic(): load-acquire, store-release, or check_atomic_rmw(). */
  void checkAtomic(Insn insn, int idx) {
    if (insn.imm() == Opcodes.LOAD_ACQ || insn.imm() == Opcodes.STORE_REL) {
      checkAtomicLoadStore(insn);
      return;
    }
    checkAtomicRmw(insn);
  }

  /**
   * check_atomic_load() / check_atomic_store(): a plain load or store with strict alignment, then
   * the pointer type must not be ctx, packet or socket (atomic_ptr_type_ok(), checked after the
   * access as the kernel does).
   */
  private void checkAtomicLoadStore(Insn insn) {
    boolean load = insn.imm() == Opcodes.LOAD_ACQ;
    int size = Opcodes.sizeBytes(insn.opcode());
    int ptrReg = load ? insn.src() : insn.dst();
    strictAlignmentOnce = true;
    try {
      if (load) {
        env.alu.srcReg(insn.src());
        env.alu.dstReg(insn.dst());
        access(insn.src(), insn.off(), size, false, insn.dst(), false);
      } else {
        env.alu.srcReg(insn.src());
        env.alu.srcReg(insn.dst());
        access(insn.dst(), insn.off(), size, true, insn.src(), false);
      }
    } finally {
      strictAlignmentOnce = false;
    }
    RegState ptr = env.cur.regs()[ptrReg];
    if (ptr.type == RegType.PTR_TO_CTX
        || ptr.isPacket()
        || ptr.type == RegType.PTR_TO_SOCKET
        || ptr.type == RegType.PTR_TO_SOCK_COMMON) {
      throw env.reject(
          "BPF_ATOMIC "
              + (load ? "loads from" : "stores into")
              + " R"
              + ptrReg
              + " "
              + StateFormatter.typeName(ptr)
              + " is not allowed");
    }
  }

  /** check_atomic_rmw(). */
  private void checkAtomicRmw(Insn insn) {
    int imm = insn.imm();
    int base = imm & ~Opcodes.FETCH;
    boolean ok =
        base == Opcodes.ADD
            || base == Opcodes.AND
            || base == Opcodes.OR
            || base == Opcodes.XOR
            || imm == Opcodes.XCHG
            || imm == Opcodes.CMPXCHG;
    if (!ok) {
      throw env.reject("BPF_ATOMIC uses invalid atomic opcode " + String.format("%02x", imm));
    }
    int size = Opcodes.sizeBytes(insn.opcode());
    if (size != 4 && size != 8) {
      throw env.reject("invalid atomic operand size");
    }
    env.alu.srcReg(insn.src());
    RegState dst = env.alu.srcReg(insn.dst());
    if (imm == Opcodes.CMPXCHG) {
      RegState r0 = env.alu.srcReg(0);
      if (env.alu.isPointerValue(r0)) {
        throw env.reject("R0 leaks addr into mem");
      }
    }
    if (env.alu.isPointerValue(env.cur.regs()[insn.src()])) {
      throw env.reject("R" + insn.src() + " leaks addr into mem");
    }
    if (dst.type == RegType.PTR_TO_CTX || dst.isPacket() || dst.type == RegType.PTR_TO_PACKET_END) {
      throw env.reject(
          "BPF_ATOMIC stores into R"
              + insn.dst()
              + " "
              + StateFormatter.typeName(dst)
              + " is not allowed");
    }
    boolean fetch = (imm & Opcodes.FETCH) != 0;
    int loadReg = imm == Opcodes.CMPXCHG ? 0 : fetch ? insn.src() : -1;
    strictAlignmentOnce = true;
    try {
      access(insn.dst(), insn.off(), size, false, loadReg, false);
      if (loadReg >= 0 && env.cur.regs()[loadReg].isPointer() && !env.leakAddress()) {
        throw env.reject("R" + loadReg + " leaks addr into mem");
      }
      access(insn.dst(), insn.off(), size, true, -1, false);
    } finally {
      strictAlignmentOnce = false;
    }
  }

  private void access(int regno, int off, int size, boolean write, int valueRegno, boolean sx) {
    RegState value = valueRegno >= 0 && write ? env.cur.regs()[valueRegno] : null;
    accessWithValue(regno, off, size, write, valueRegno, sx, value, false);
  }

  /** check_mem_access(); for reads the loaded value goes to {@code valueRegno} (if >= 0). */
  void accessWithValue(
      int regno,
      int insnOff,
      int size,
      boolean write,
      int valueRegno,
      boolean sx,
      RegState value,
      boolean stImm) {
    RegState[] regs = env.cur.regs();
    RegState reg = regs[regno];
    int off = insnOff + reg.off;
    if (!reg.maybeNull) {
      checkPtrAlignment(regno, reg, insnOff, size);
    }
    RegState result = null;
    switch (reg.maybeNull ? RegType.NOT_INIT : reg.type) {
      case PTR_TO_MAP_VALUE:
        if (write && value != null && env.alu.isPointerValue(value)) {
          throw env.reject("R" + valueRegno + " leaks addr into map");
        }
        if (write && reg.map.def().readOnly()) {
          throw env.reject(
              "write into map forbidden, value_size="
                  + reg.map.valueSize()
                  + " off="
                  + off
                  + " size="
                  + size);
        }
        checkMemRegion(regno, reg, off, size, reg.map.valueSize(), "map value");
        if (!write) {
          result = readOnlyMapConst(reg, off, size);
        }
        break;
      case PTR_TO_MAP_KEY:
        // A for_each_map_elem callback's key: readable, never writable (check_mem_access).
        if (write) {
          throw env.reject("write to change key R" + regno + " not allowed");
        }
        checkMemRegion(regno, reg, off, size, reg.map.keySize(), "map key");
        break;
      case PTR_TO_MEM:
        if (write && reg.rdonly) {
          throw env.reject("R" + regno + " cannot write into " + StateFormatter.typeName(reg));
        }
        if (write && value != null && env.alu.isPointerValue(value)) {
          throw env.reject("R" + valueRegno + " leaks addr into mem");
        }
        checkMemRegion(regno, reg, off, size, reg.memSize, "memory");
        break;
      case PTR_TO_CTX:
        if (write && value != null && env.alu.isPointerValue(value)) {
          throw env.reject("R" + valueRegno + " leaks addr into ctx");
        }
        checkPtrOffReg(regno, reg, "ctx");
        result = ctxAccess(off, size, write, sx);
        break;
      case PTR_TO_STACK:
        {
          env.mem.stackAccess(regno, reg, off, size, write, value, stImm);
          if (!write) {
            result = env.mem.stackRead(regno, reg, off, size);
          }
          break;
        }
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        if (write && value != null && env.alu.isPointerValue(value)) {
          throw env.reject("R" + valueRegno + " leaks addr into packet");
        }
        checkPacketAccess(regno, reg, off, size);
        break;
      case PTR_TO_SOCKET:
      case PTR_TO_SOCK_COMMON:
        checkPtrOffReg(regno, reg, StateFormatter.typeName(reg));
        if (write || !sockAccessOk(off, size, reg.type == RegType.PTR_TO_SOCK_COMMON)) {
          throw env.reject(
              "R"
                  + regno
                  + " invalid "
                  + StateFormatter.typeName(reg)
                  + " access off="
                  + off
                  + " size="
                  + size);
        }
        break;
      case PTR_TO_BTF_ID:
        checkPtrOffReg(regno, reg, StateFormatter.typeName(reg));
        BtfStructAccess.check(env, reg, off, size, write);
        break;
      default:
        throw env.reject(
            "R" + regno + " invalid mem access '" + StateFormatter.typeName(reg) + "'");
    }
    if (!write && valueRegno >= 0) {
      RegState dst = regs[valueRegno];
      if (result == null) {
        dst.markUnknown();
      } else {
        dst.assign(result);
      }
      if (size < 8 && dst.type == RegType.SCALAR) {
        if (sx) {
          SignExtension.toSize64(dst, size); // coerce_reg_to_size_sx()
        } else {
          coerce(dst, size);
        }
      }
      env.scratchReg(valueRegno);
    }
  }

  /**
   * check_ptr_alignment(): stack accesses are always strict (the kernel's slot tracking needs them
   * aligned), other memory only for atomics ({@code strict_alignment_once}); x86-64 has efficient
   * unaligned access, so {@code env->strict_alignment} is off. Packets are checked leniently even
   * then: atomics on packets are refused before this point.
   */
  private void checkPtrAlignment(int regno, RegState reg, int insnOff, int size) {
    String desc;
    switch (reg.type) {
      case PTR_TO_STACK:
        desc = "stack ";
        break;
      case PTR_TO_MAP_VALUE:
        desc = "value ";
        break;
      case PTR_TO_MAP_KEY:
        desc = "key ";
        break;
      case PTR_TO_CTX:
        desc = "context ";
        break;
      case PTR_TO_SOCKET:
        desc = "sock ";
        break;
      case PTR_TO_SOCK_COMMON:
        desc = "sock_common ";
        break;
      case PTR_TO_PACKET:
      case PTR_TO_PACKET_META:
        return;
      default:
        desc = "";
    }
    boolean strict = strictAlignmentOnce || reg.type == RegType.PTR_TO_STACK;
    if (!strict || size == 1) {
      return;
    }
    Tnum at = reg.varOff.add(Tnum.constant((long) reg.off + insnOff));
    if (!at.isAligned(size)) {
      throw env.reject(
          "misaligned "
              + desc
              + "access off "
              + AluChecker.tnumStr(reg.varOff)
              + "+"
              + reg.off
              + "+"
              + insnOff
              + " size "
              + size);
    }
  }

  /** coerce_reg_to_size(). */
  static void coerce(RegState r, int size) {
    r.varOff = r.varOff.cast(size);
    long mask = (1L << (size * 8)) - 1;
    if ((r.umin & ~mask) == (r.umax & ~mask)) {
      r.umin &= mask;
      r.umax &= mask;
    } else {
      r.umin = 0;
      r.umax = mask;
    }
    r.smin = r.umin;
    r.smax = r.umax;
    if (size < 4) {
      r.mark32Unbounded();
    }
    Bounds.sync(r);
  }

  /** A frozen read-only map (.rodata) read at a constant offset yields the constant. */
  private RegState readOnlyMapConst(RegState reg, int off, int size) {
    byte[] data = reg.map.def().initialData();
    if (!reg.map.def().readOnly() || data == null || !reg.varOff.isConst()) {
      return null;
    }
    long o = off + reg.varOff.value();
    if (o < 0 || o + size > data.length) {
      return null;
    }
    long v = 0;
    for (int i = size - 1; i >= 0; i--) {
      v = (v << 8) | (data[(int) o + i] & 0xff);
    }
    return RegState.constScalar(v);
  }

  /** check_ptr_off_reg(): ctx pointers must not be moved before a dereference. */
  private void checkPtrOffReg(int regno, RegState reg, String what) {
    if (reg.off < 0) {
      throw env.reject(
          "negative offset " + what + " ptr R" + regno + " off=" + reg.off + " disallowed");
    }
    if (reg.off != 0) {
      throw env.reject(
          "dereference of modified " + what + " ptr R" + regno + " off=" + reg.off + " disallowed");
    }
    if (!reg.varOff.isConst() || reg.varOff.value() != 0) {
      throw env.reject(
          "variable " + what + " access var_off=" + AluChecker.tnumStr(reg.varOff) + " disallowed");
    }
  }

  /** xdp_is_valid_access() for struct xdp_md. */
  private RegState ctxAccess(int off, int size, boolean write, boolean sx) {
    boolean ok = !write && off >= 0 && off < XDP_MD_SIZE && off % size == 0 && size == 4;
    if (ok && off == 20 && env.info.attachType() != XdpAttachType.DEVMAP) {
      ok = false; // egress_ifindex: only for BPF_XDP_DEVMAP programs
    }
    RegType t = null;
    if (ok) {
      switch (off) {
        case 0:
          t = RegType.PTR_TO_PACKET;
          break;
        case 4:
          t = RegType.PTR_TO_PACKET_END;
          break;
        case 8:
          t = RegType.PTR_TO_PACKET_META;
          break;
        default:
          break;
      }
      if (t != null && sx) {
        ok = false;
      }
    }
    if (!ok) {
      throw env.reject("invalid bpf_context access off=" + off + " size=" + size);
    }
    if (t == null) {
      return null;
    }
    return RegState.pointer(t);
  }

  /**
   * bpf_sock_is_valid_access() / bpf_sock_common_is_valid_access(): reads of {@code struct
   * bpf_sock} (80 bytes of u32 fields; {@code dst_port} is a __be16 followed by 2 unreadable
   * bytes), narrow reads allowed on the address, port and state fields.
   */
  private static boolean sockAccessOk(int off, int size, boolean common) {
    if (off < 0 || off >= 80 || off % size != 0) {
      return false;
    }
    if (common && off >= 8 && off < 24) {
      return false; // type, protocol, mark, priority
    }
    boolean narrowOk = size <= 4 && Integer.bitCount(size) == 1;
    if (off == 4
        || off == 8
        || off == 12
        || off == 44
        || off == 72
        || off == 76
        || (off >= 24 && off < 44)
        || (off >= 52 && off < 72)) {
      return narrowOk; // family, type, protocol, src_port, state, rx_queue_mapping, addresses
    }
    if (off == 48) {
      return size == 4 || size == 2 || size == 1; // dst_port
    }
    if (off > 48 && off < 52) {
      return off == 49 && size == 1; // inside dst_port only
    }
    return size == 4;
  }

  /** check_packet_access(). */
  private void checkPacketAccess(int regno, RegState reg, int off, int size) {
    if (reg.smin < 0) {
      throw env.reject(
          "R"
              + regno
              + " min value is negative, either use unsigned index or do a if (index >=0) check.");
    }
    if (reg.range < 0 || off < 0 || (long) off + size > reg.range) {
      env.errorLine(
          "invalid access to packet, off="
              + off
              + " size="
              + size
              + ", R"
              + regno
              + "(id="
              + reg.id
              + ",off="
              + off
              + ",r="
              + reg.range
              + ")");
      throw env.reject("R" + regno + " offset is outside of the packet");
    }
  }

  /** check_mem_region_access(): both ends of the variable offset must be in [0, memSize). */
  void checkMemRegion(int regno, RegState reg, int off, int size, int memSize, String what) {
    if (reg.smin < 0
        && (reg.smin == Long.MIN_VALUE
            || off + reg.smin != (int) (off + reg.smin)
            || reg.smin + off < 0)) {
      throw env.reject(
          "R"
              + regno
              + " min value is negative, either use unsigned index or do a if (index >=0) check.");
    }
    if (!memAccessOk(reg.smin + off, size, memSize)) {
      memError(what, memSize, reg.smin + off, size);
      throw env.reject("R" + regno + " min value is outside of the allowed memory range");
    }
    if (Long.compareUnsigned(reg.umax, AluChecker.MAX_VAR_OFF) >= 0) {
      throw env.reject(
          "R" + regno + " unbounded memory access, make sure to bounds check any such access");
    }
    if (!memAccessOk(reg.umax + off, size, memSize)) {
      memError(what, memSize, reg.umax + off, size);
      throw env.reject("R" + regno + " max value is outside of the allowed memory range");
    }
  }

  private static boolean memAccessOk(long off, int size, int memSize) {
    return off >= 0 && size > 0 && off + size <= memSize;
  }

  private void memError(String what, int memSize, long off, int size) {
    if (what.equals("map value")) {
      env.errorLine(
          "invalid access to map value, value_size=" + memSize + " off=" + off + " size=" + size);
    } else {
      env.errorLine(
          "invalid access to memory, mem_size=" + memSize + " off=" + off + " size=" + size);
    }
  }

  // ---------------------------------------------------------------- stack

  FuncState stackFrame(RegState reg) {
    return env.cur.frames[reg.frameno];
  }

  /** check_stack_access_within_bounds(), then the write itself for writes. */
  void stackAccess(
      int regno, RegState reg, int off, int size, boolean write, RegState value, boolean stImm) {
    FuncState f = stackFrame(reg);
    checkStackBounds(regno, reg, off, size, write, f);
    if (!write) {
      return;
    }
    if (!reg.varOff.isConst()) {
      writeVarOff(f, reg, off, size, value);
      return;
    }
    writeFixedOff(f, (int) (off + reg.varOff.value()), size, value, stImm);
  }

  /** check_stack_access_within_bounds(). */
  void checkStackBounds(int regno, RegState reg, int off, int size, boolean write, FuncState f) {
    long minOff;
    long maxOff;
    if (reg.varOff.isConst()) {
      minOff = reg.varOff.value() + off;
      maxOff = minOff + size;
    } else {
      if (reg.smax >= AluChecker.MAX_VAR_OFF || reg.smin <= -AluChecker.MAX_VAR_OFF) {
        throw env.reject(
            "invalid unbounded variable-offset "
                + (write ? "write to" : "read from")
                + " stack R"
                + regno);
      }
      if (!env.bypassSpecV1) {
        throw env.reject(
            "R"
                + regno
                + " variable offset stack access prohibited for !root, var_off="
                + AluChecker.tnumStr(reg.varOff));
      }
      minOff = reg.smin + off;
      maxOff = reg.smax + off + size;
    }
    long minValid = (write || env.allowUninitStack) ? -FuncState.MAX_STACK : -f.allocatedStack();
    boolean bad = minOff < minValid || minOff > -1 || maxOff > 0 || size < 0;
    if (bad) {
      String extra = write ? " write to" : " read from";
      if (reg.varOff.isConst()) {
        throw env.reject("invalid" + extra + " stack R" + regno + " off=" + off + " size=" + size);
      }
      throw env.reject(
          "invalid variable-offset"
              + extra
              + " stack R"
              + regno
              + " var_off="
              + AluChecker.tnumStr(reg.varOff)
              + " off="
              + off
              + " size="
              + size);
    }
    // the "stack depth" line: deepest byte touched per function, rounded to 8 (update_stack_depth)
    int depth = (int) -minOff;
    if (depth > env.stackDepth[f.subprog]) {
      env.stackDepth[f.subprog] = (depth + 7) / 8 * 8;
    }
  }

  /** check_stack_write_fixed_off(). */
  private void writeFixedOff(FuncState f, int off, int size, RegState value, boolean stImm) {
    int slot = -off - 1;
    int spi = slot / 8;
    StackSlot s = f.slot(spi);
    if (off % 8 == 0 && size == 8) {
      env.liveness.write(f.frameno, spi); // only a whole slot written kills it
    }
    env.scratchStack(spi);
    if (s.isSpill() && s.spilled.type != RegType.SCALAR && size != 8 && !env.leakAddress()) {
      throw env.reject("attempt to corrupt spilled pointer on stack");
    }
    if (!env.bypassSpecV4) {
      // check_stack_write_fixed_off(): overwriting anything but data, or spilling a pointer,
      // gets a speculative store bypass barrier (nospec_result)
      boolean sanitize = value != null && !stImm && value.isPointer();
      for (int i = 0; i < size && !sanitize; i++) {
        sanitize = s.types[i] != StackSlot.MISC && s.types[i] != StackSlot.ZERO;
      }
      if (sanitize) {
        env.nospecResult[env.cur.insnIdx] = true;
      }
    }
    boolean aligned = off % 8 == 0;
    if (value != null && aligned && value.type == RegType.SCALAR && !stImm) {
      long width = 64 - Long.numberOfLeadingZeros(value.umax);
      boolean fits = width <= size * 8L;
      if (fits) {
        value.assignIdBeforeMov(env); // spill and register stay linked
      }
      saveRegister(s, value, size);
      if (!fits) {
        s.spilled.id = 0;
      }
      spillFill(f, spi);
    } else if (value != null && aligned && stImm) {
      saveRegister(s, value, size);
      spillFill(f, spi);
    } else if (value != null && value.isPointer() && !stImm) {
      if (size != 8) {
        throw env.reject("invalid size of register spill");
      }
      if (value.type == RegType.PTR_TO_STACK && f != env.cur.cur() && value.frameno > f.frameno) {
        throw env.reject("cannot spill pointers to stack into stack frame of the caller");
      }
      saveRegister(s, value, size);
      spillFill(f, spi);
    } else {
      byte type = StackSlot.MISC;
      if (s.isSpill()) {
        s.scrub(); // is_stack_slot_special(): data written into a spill's slot scrubs all of it
      } else if (s.spilled.type != RegType.NOT_INIT) {
        s.invalidateSpill();
      }
      s.spilled = RegState.notInit();
      if (value != null && value.isConst() && value.varOff.value() == 0) {
        type = StackSlot.ZERO;
        // not a spill: STACK_ZERO is only right if the register's zero is (precision)
        Insn insn = env.insns[env.cur.insnIdx];
        if (!stImm && insn.cls() == Opcodes.STX && (insn.opcode() & 0xe0) == Opcodes.MEM) {
          env.precision.markReg(insn.src());
        }
      }
      for (int i = 0; i < size; i++) {
        s.types[(slot - i) % 8] = type;
      }
    }
  }

  /** A register spill or fill by the current instruction, for precision backtracking. */
  private void spillFill(FuncState f, int spi) {
    int cls = env.insns[env.cur.insnIdx].cls();
    if (cls == Opcodes.STX || cls == Opcodes.ST || cls == Opcodes.LDX) {
      env.precision.stackAccess(f.frameno, spi);
    }
  }

  /** save_register_state(). */
  private void saveRegister(StackSlot s, RegState reg, int size) {
    s.spilled = reg.copy();
    for (int i = 8; i > 8 - size; i--) {
      s.types[i - 1] = StackSlot.SPILL;
    }
    for (int i = 8 - size; i > 0; i--) {
      byte t = s.types[i - 1];
      if (t == StackSlot.ZERO || (t == StackSlot.INVALID && env.allowUninitStack)) {
        continue;
      }
      s.types[i - 1] = StackSlot.MISC;
    }
  }

  /** check_stack_write_var_off(): every byte possibly written becomes MISC (or ZERO). */
  private void writeVarOff(FuncState f, RegState reg, int off, int size, RegState value) {
    long minOff = reg.smin + off;
    long maxOff = reg.smax + off + size;
    boolean zero = value != null && value.isConst() && value.varOff.value() == 0;
    for (long i = minOff; i < maxOff; i++) {
      int slot = (int) (-i - 1);
      int spi = slot / 8;
      StackSlot s = f.slot(spi);
      env.scratchStack(spi);
      if (s.isSpill()) {
        if (s.spilled.type != RegType.SCALAR && !env.leakAddress()) {
          throw env.reject("spilled ptr in range of var-offset stack write");
        }
        s.invalidateSpill();
      }
      byte t = s.types[slot % 8];
      if (!(zero && t == StackSlot.ZERO)) {
        s.types[slot % 8] = StackSlot.MISC;
      }
    }
  }

  /** check_stack_read_fixed_off() / _var_off(): the value read, or null for unknown. */
  RegState stackRead(int regno, RegState reg, int off, int size) {
    FuncState f = stackFrame(reg);
    if (!reg.varOff.isConst()) {
      long minOff = reg.smin + off;
      long maxOff = reg.smax + off + size;
      boolean allZero = true;
      for (long i = minOff; i < maxOff; i++) {
        int slot = (int) (-i - 1);
        env.liveness.read(f.frameno, slot / 8);
        StackSlot s = f.slotOrNull(slot / 8);
        byte t = s == null ? StackSlot.INVALID : s.types[slot % 8];
        allZero &= t == StackSlot.ZERO;
        if (t == StackSlot.INVALID && env.allowUninitStack) {
          noteUninitRead();
        }
        if (t == StackSlot.INVALID && !env.allowUninitStack) {
          throw env.reject(
              "invalid variable-offset read from stack R"
                  + regno
                  + " var_off="
                  + AluChecker.tnumStr(reg.varOff)
                  + " off="
                  + off
                  + " size="
                  + size);
        }
      }
      // mark_reg_stack_read(): bytes that are all STACK_ZERO read as the constant 0
      return allZero ? RegState.constScalar(0) : null;
    }
    int o = (int) (off + reg.varOff.value());
    int slot = -o - 1;
    int spi = slot / 8;
    StackSlot s = f.slotOrNull(spi);
    env.scratchStack(spi);
    env.liveness.read(f.frameno, spi);
    if (s == null) {
      if (env.allowUninitStack) {
        noteUninitRead();
        return null;
      }
      throw env.reject("invalid read from stack off " + o + "+0 size " + size);
    }
    if (s.isSpill()) {
      int spillSize = 1;
      for (int i = 7; i > 0 && s.types[i - 1] == StackSlot.SPILL; i--) {
        spillSize++;
      }
      RegState sp = s.spilled;
      if (size != 8 || spillSize != 8) {
        if (sp.type != RegType.SCALAR) {
          throw env.reject("invalid size of register fill");
        }
        if (size <= spillSize && narrowOk(o, size, spillSize)) {
          RegState r = sp.copy();
          long width = 64 - Long.numberOfLeadingZeros(sp.umax);
          if (width > size * 8L) {
            r.id = 0;
          }
          spillFill(f, spi);
          return r;
        }
        int spillCnt = 0;
        int zeroCnt = 0;
        for (int i = 0; i < size; i++) {
          byte t = s.types[(slot - i) % 8];
          if (t == StackSlot.SPILL) {
            spillCnt++;
          } else if (t == StackSlot.ZERO) {
            zeroCnt++;
          } else if (t == StackSlot.INVALID && env.allowUninitStack) {
            noteUninitRead();
          } else if (t != StackSlot.MISC) {
            throw env.reject("invalid read from stack off " + o + "+" + i + " size " + size);
          }
        }
        if (spillCnt == size && sp.isConst() && sp.varOff.value() == 0) {
          spillFill(f, spi); // a fill of a spilled zero
          return RegState.constScalar(0);
        }
        if (zeroCnt == size) {
          return RegState.constScalar(0);
        }
        return null;
      }
      spillFill(f, spi);
      return sp.copy();
    }
    int zeros = 0;
    for (int i = 0; i < size; i++) {
      byte t = s.types[(slot - i) % 8];
      if (t == StackSlot.MISC) {
        continue;
      }
      if (t == StackSlot.ZERO) {
        zeros++;
        continue;
      }
      if (t == StackSlot.INVALID && env.allowUninitStack) {
        noteUninitRead();
        continue;
      }
      throw env.reject("invalid read from stack off " + o + "+" + i + " size " + size);
    }
    return zeros == size ? RegState.constScalar(0) : null;
  }

  /** Records that the current instruction read a never-written stack byte (allowed for root). */
  void noteUninitRead() {
    if (uninitStackRead == null) {
      uninitStackRead = new boolean[env.insns.length];
    }
    uninitStackRead[env.cur.insnIdx] = true;
  }

  /** {@link VerifierResult#readsUninitStack()}: one flag per slot. */
  boolean[] uninitStackReads() {
    return uninitStackRead != null ? uninitStackRead : new boolean[env.insns.length];
  }

  /** bpf_stack_narrow_access_ok(): a narrow fill of the low bytes of a spilled scalar. */
  private static boolean narrowOk(int off, int fillSize, int spillSize) {
    int o = off % 8;
    if (o < 0) {
      o += 8;
    }
    return o == 0;
  }
}
