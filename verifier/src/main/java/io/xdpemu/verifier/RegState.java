package io.xdpemu.verifier;

import java.util.Objects;

/**
 * The abstract value of one register or spilled stack slot ({@code struct bpf_reg_state}): a type,
 * a fixed offset, a variable part described by a {@link Tnum} and by signed/unsigned 64- and 32-bit
 * bounds, and the ids that tie copies together (NULL checks and packet ranges propagate through
 * equal ids). Mutable, like the kernel's struct; states are copied with {@link #copy()} at forks.
 */
public final class RegState implements Cloneable {
  public RegType type = RegType.NOT_INIT;

  /** PTR_MAYBE_NULL. */
  public boolean maybeNull;

  /** MEM_RINGBUF (ringbuf_mem) and MEM_RDONLY flags for PTR_TO_MEM. */
  public boolean ringbuf;

  public boolean rdonly;

  /** Fixed part of a pointer's offset. */
  public int off;

  /** Packet pointers: bytes proven readable from the packet pointer's base (may be negative). */
  public int range;

  public MapRef map;

  /** PTR_TO_MEM: size of the memory region. */
  public int memSize;

  /** PTR_TO_BTF_ID: the struct name. */
  public String btfName;

  /** PTR_TO_STACK: frame the pointer points into; PTR_TO_FUNC: target subprogram. */
  public int frameno;

  /**
   * Scalars: set in {@link #id} when this register is another linked register plus {@link #off}
   * ({@code r2 = r1; r2 += 4}), the kernel's BPF_ADD_CONST.
   */
  public static final int ADD_CONST = 1 << 31;

  /**
   * Scalars: the value matters for safety on some path explored from this checkpoint ({@code
   * precise}, set only in checkpoint states by {@link Precision}); an imprecise scalar of an old
   * state matches any scalar in {@code regsafe()}.
   */
  public boolean precise;

  public int id;
  public int refObjId;
  public Tnum varOff = Tnum.UNKNOWN;
  public long smin = Long.MIN_VALUE;
  public long smax = Long.MAX_VALUE;
  public long umin = 0;
  public long umax = -1L;
  public int s32min = Integer.MIN_VALUE;
  public int s32max = Integer.MAX_VALUE;
  public int u32min = 0;
  public int u32max = -1;

  /**
   * A copy of every field. A shallow clone: every field is a primitive or an immutable value, and
   * the JVM copies a new object's fields in bulk (no per-field store barriers), which matters here:
   * each branch push and checkpoint copies eleven registers per frame.
   */
  public RegState copy() {
    try {
      return (RegState) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  public void assign(RegState o) {
    type = o.type;
    maybeNull = o.maybeNull;
    ringbuf = o.ringbuf;
    rdonly = o.rdonly;
    off = o.off;
    range = o.range;
    map = o.map;
    memSize = o.memSize;
    btfName = o.btfName;
    frameno = o.frameno;
    id = o.id;
    refObjId = o.refObjId;
    precise = o.precise;
    varOff = o.varOff;
    smin = o.smin;
    smax = o.smax;
    umin = o.umin;
    umax = o.umax;
    s32min = o.s32min;
    s32max = o.s32max;
    u32min = o.u32min;
    u32max = o.u32max;
  }

  /**
   * assign_scalar_id_before_mov(): a scalar about to be copied (or spilled) gets an id so that the
   * copies learn bounds together; an existing "+const" link is dropped (only one level is kept).
   */
  void assignIdBeforeMov(Verifier env) {
    if (type != RegType.SCALAR) {
      return;
    }
    if ((id & ADD_CONST) != 0) {
      id = 0;
      off = 0;
    }
    if (id == 0 && !varOff.isConst()) {
      id = env.newId();
    }
  }

  public static RegState notInit() {
    return new RegState();
  }

  public static RegState unknownScalar() {
    RegState r = new RegState();
    r.markUnknown();
    return r;
  }

  public static RegState constScalar(long v) {
    RegState r = new RegState();
    r.markKnown(v);
    r.type = RegType.SCALAR;
    return r;
  }

  public static RegState pointer(RegType type) {
    RegState r = new RegState();
    r.markKnown(0);
    r.type = type;
    return r;
  }

  public boolean isScalar() {
    return type == RegType.SCALAR;
  }

  public boolean isPointer() {
    return type.isPointer();
  }

  public boolean isConst() {
    return type == RegType.SCALAR && varOff.isConst();
  }

  public boolean isPacket() {
    return type.isPacket();
  }

  /** __mark_reg_unknown: scalar with nothing known. */
  public void markUnknown() {
    clearPointerFields();
    type = RegType.SCALAR;
    id = 0;
    refObjId = 0;
    frameno = 0;
    precise = false; // __mark_reg_unknown(): precise = !bpf_capable, and both modes have CAP_BPF
    varOff = Tnum.UNKNOWN;
    markUnbounded();
  }

  public void markNotInit() {
    markUnknown();
    type = RegType.NOT_INIT;
  }

  /** __mark_reg_known: the variable part is exactly {@code imm}; pointer fields cleared. */
  public void markKnown(long imm) {
    clearPointerFields();
    id = 0;
    refObjId = 0;
    varOff = Tnum.constant(imm);
    smin = imm;
    smax = imm;
    umin = imm;
    umax = imm;
    s32min = (int) imm;
    s32max = (int) imm;
    u32min = (int) imm;
    u32max = (int) imm;
  }

  /** __mark_reg32_known: the low 32 bits are exactly {@code imm}. */
  public void markKnown32(int imm) {
    varOff = varOff.constSubreg(imm);
    s32min = imm;
    s32max = imm;
    u32min = imm;
    u32max = imm;
  }

  private void clearPointerFields() {
    maybeNull = false;
    ringbuf = false;
    rdonly = false;
    off = 0;
    range = 0;
    map = null;
    memSize = 0;
    btfName = null;
  }

  public void markUnbounded() {
    smin = Long.MIN_VALUE;
    smax = Long.MAX_VALUE;
    umin = 0;
    umax = -1L;
    s32min = Integer.MIN_VALUE;
    s32max = Integer.MAX_VALUE;
    u32min = 0;
    u32max = -1;
  }

  public void mark64Unbounded() {
    smin = Long.MIN_VALUE;
    smax = Long.MAX_VALUE;
    umin = 0;
    umax = -1L;
  }

  public void mark32Unbounded() {
    s32min = Integer.MIN_VALUE;
    s32max = Integer.MAX_VALUE;
    u32min = 0;
    u32max = -1;
  }

  /** Pointer-ish identity used by regsafe and the log: everything but the scalar bounds. */
  public boolean samePointerShape(RegState o) {
    return type == o.type
        && maybeNull == o.maybeNull
        && ringbuf == o.ringbuf
        && rdonly == o.rdonly
        && Objects.equals(map, o.map)
        && memSize == o.memSize
        && Objects.equals(btfName, o.btfName)
        && frameno == o.frameno;
  }

  @Override
  public String toString() {
    return StateFormatter.reg(this, 0);
  }
}
