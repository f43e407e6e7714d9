package io.xdpemu.verifier.differential;

import static io.xdpemu.ebpf.isa.Opcodes.*;

import io.xdpemu.ebpf.isa.Insn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates XDP programs aimed at the verifier's edges, in the spirit of Google's buzzer: each is a
 * prologue (context, packet pointers, initialised scalars, usually zeroed stack), a handful of
 * snippets drawn at random - ALU chains on 32 and 64 bits (sdiv/smod, movsx, shifts, byte swaps),
 * conditional skips that leave bounds behind, packet and stack accesses at constant and variable
 * offsets (some misaligned or out of bounds), atomics, map lookups and accesses through the value,
 * helpers with sized memory arguments ({@code csum_diff}, {@code probe_read_kernel}), bounded
 * loops, BPF-to-BPF calls - and sometimes one encoding mutated in a reserved field or opcode.
 * Deterministic: the same seed always gives the same program.
 *
 * <p>Register roles: r6 context, r7 packet start, r8 packet end, r9 a checked packet or stack
 * pointer; r0..r5 scalars (a call clobbers r1..r5, which the generator then re-initialises).
 */
final class EdgeProgramGenerator {
  /** One array map, key 4, value 16, 4 entries: {@code verifier-batch}'s map spec. */
  static final String MAPS = "2:4:16:4";

  /**
   * A generated program. {@code runsComparable}: it starts from zeroed stack and never turns a
   * pointer's bits into a number (the kernel's addresses are not ours), so its runs must agree.
   */
  record Generated(Insn[] insns, boolean runsComparable, String shape) {}

  private static final long[] INTERESTING = {
    0,
    1,
    2,
    3,
    7,
    8,
    15,
    16,
    31,
    32,
    63,
    64,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffffL,
    0x80000000L,
    0xffffffffL,
    -1,
    -2,
    -8,
    -16,
    -64,
    -128,
    -0x8000,
    -0x80000000L
  };

  private final Random rnd;
  private final List<Insn> out = new ArrayList<>();
  private final List<Integer> localCalls = new ArrayList<>();
  private final StringBuilder shape = new StringBuilder();
  private boolean pointerBits;

  private EdgeProgramGenerator(long seed) {
    this.rnd = new Random(seed);
  }

  static Generated generate(long seed) {
    return new EdgeProgramGenerator(seed).build();
  }

  private Generated build() {
    boolean zeroStack = rnd.nextInt(8) != 0;
    emit(ALU64 | MOV | X, 6, 1, 0, 0);
    emit(LDX | MEM | W, 7, 6, 0, 0);
    emit(LDX | MEM | W, 8, 6, 4, 0);
    for (int r = 0; r <= 5; r++) {
      initScalar(r);
    }
    if (zeroStack) {
      for (int off = -8; off >= -96; off -= 8) {
        emit(ST | MEM | DW, 10, 0, off, 0);
      }
    }
    emit(ALU64 | MOV | X, 9, 10, 0, 0);
    int snippets = 2 + rnd.nextInt(8);
    for (int i = 0; i < snippets; i++) {
      snippet(0);
    }
    if (rnd.nextInt(3) == 0) {
      helperResultExit(); // the helper's return code is the program's: compared with the kernel's
    } else {
      int ret = rnd.nextInt(6);
      if (rnd.nextBoolean()) {
        emit(ALU64 | MOV | X, 0, ret, 0, 0);
      }
      if (rnd.nextInt(4) != 0) {
        emit(ALU64 | AND | K, 0, 0, 0, 3);
      }
      emit(EXIT_OP, 0, 0, 0, 0);
    }
    if (!localCalls.isEmpty()) {
      subprogram();
    }
    if (rnd.nextInt(6) == 0) {
      mutateEncoding();
    }
    return new Generated(out.toArray(new Insn[0]), zeroStack && !pointerBits, shape.toString());
  }

  // ------------------------------------------------------------------ snippets

  private void snippet(int depth) {
    int kind = rnd.nextInt(depth > 0 ? 11 : 13);
    shape.append(kind).append(' ');
    switch (kind) {
      case 0, 1, 2 -> aluChain();
      case 3 -> stackAccess();
      case 4 -> packetAccess();
      case 5 -> atomic();
      case 6 -> mapValueAccess();
      case 7 -> csumDiff();
      case 8 -> probeReadKernel();
      case 9 -> initScalar(scalarReg());
      case 10 -> movsxChain();
      case 11 -> conditionalSkip(depth);
      default -> boundedLoop(depth);
    }
  }

  private void aluChain() {
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      alu(scalarReg());
    }
  }

  private void alu(int dst) {
    boolean is64 = rnd.nextBoolean();
    int cls = is64 ? ALU64 : ALU;
    int[] ops = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, MOV, ARSH, END};
    int op = ops[rnd.nextInt(ops.length)];
    if (op == END) {
      int[] widths = {16, 32, 64};
      int w = widths[rnd.nextInt(3)];
      int swap = rnd.nextInt(3); // le, be, bswap (ALU64 | END)
      emit(swap == 2 ? ALU64 | END : ALU | END | (swap == 1 ? TO_BE : TO_LE), dst, 0, 0, w);
      return;
    }
    if (op == NEG) {
      emit(cls | NEG, dst, 0, 0, 0);
      return;
    }
    int off = (op == DIV || op == MOD) && rnd.nextInt(3) == 0 ? 1 : 0;
    if (rnd.nextBoolean()) {
      emit(cls | op | X, dst, scalarReg(), off, 0);
    } else {
      long imm = interesting();
      if (op == LSH || op == RSH || op == ARSH) {
        imm = rnd.nextInt(10) == 0 ? rnd.nextInt(80) - 8 : rnd.nextInt(is64 ? 64 : 32);
      }
      emit(cls | op | K, dst, 0, off, (int) imm);
    }
  }

  private void movsxChain() {
    int r = scalarReg();
    if (rnd.nextBoolean()) {
      emit((rnd.nextBoolean() ? ALU : ALU64) | AND | K, r, 0, 0, (int) interesting());
    }
    boolean is64 = rnd.nextBoolean();
    int[] widths = is64 ? new int[] {8, 16, 32} : new int[] {8, 16};
    int w = widths[rnd.nextInt(widths.length)];
    int src = rnd.nextInt(6) == 0 ? 6 + rnd.nextInt(5) : r; // now and then a pointer
    pointerBits |= src >= 6;
    emit((is64 ? ALU64 : ALU) | MOV | X, r, src, w, 0);
    if (rnd.nextBoolean()) {
      conditionalOn(r);
      stackAccessWith(r);
      patchLastSkip();
    }
  }

  private void initScalar(int r) {
    switch (rnd.nextInt(4)) {
      case 0 -> emit(LDX | MEM | W, r, 6, 16, 0); // rx_queue_index: unknown u32
      case 1 -> emit(LDX | MEM | W, r, 6, 12, 0); // ingress_ifindex
      default -> {
        long v = interesting();
        if (v == (int) v) {
          emit(ALU64 | MOV | K, r, 0, 0, (int) v);
        } else {
          emit(LD_IMM64, r, 0, 0, (int) v);
          emit(0, 0, 0, 0, (int) (v >>> 32));
        }
      }
    }
  }

  private void stackAccess() {
    int base = 9;
    emit(ALU64 | MOV | X, base, 10, 0, 0);
    if (rnd.nextInt(3) == 0) {
      int r = scalarReg();
      emit(ALU64 | AND | K, r, 0, 0, rnd.nextBoolean() ? 0x18 : (int) interesting());
      emit(ALU64 | ADD | K, base, 0, 0, -64 - 8 * rnd.nextInt(3));
      emit(ALU64 | ADD | X, base, r, 0, 0);
    } else {
      emit(ALU64 | ADD | K, base, 0, 0, -8 * rnd.nextInt(12) - (rnd.nextInt(5) == 0 ? 4 : 0));
    }
    memOp(base, rnd.nextInt(24) - 16);
  }

  private void stackAccessWith(int r) {
    emit(ALU64 | MOV | X, 9, 10, 0, 0);
    emit(ALU64 | ADD | K, 9, 0, 0, -64);
    emit(ALU64 | ADD | X, 9, r, 0, 0);
    memOp(9, 0);
  }

  private void packetAccess() {
    int need = 1 + rnd.nextInt(64);
    emit(ALU64 | MOV | X, 9, 7, 0, 0);
    if (rnd.nextInt(3) == 0) {
      int r = scalarReg();
      emit(ALU64 | AND | K, r, 0, 0, (int) interesting());
      emit(ALU64 | ADD | X, 9, r, 0, 0);
    } else {
      emit(ALU64 | ADD | K, 9, 0, 0, rnd.nextInt(40));
    }
    emit(ALU64 | MOV | X, 1, 9, 0, 0);
    emit(ALU64 | ADD | K, 1, 0, 0, need);
    int skip = out.size();
    emit((rnd.nextBoolean() ? JMP | JGT : JMP | JGE) | X, 1, 8, 0, 0);
    emit(ALU64 | MOV | K, 1, 0, 0, 0); // no packet pointer stored into the packet
    memOp(9, rnd.nextInt(need + 4) - 2);
    patch(skip);
    emit(ALU64 | MOV | K, 1, 0, 0, 0);
  }

  /** A load or store (register or immediate) through {@code base}. */
  private void memOp(int base, int off) {
    int[] sizes = {B, H, W, DW};
    int size = sizes[rnd.nextInt(4)];
    switch (rnd.nextInt(4)) {
      case 0 -> emit(LDX | MEM | size, scalarReg(), base, off, 0);
      case 1 -> emit(LDX | (size == DW ? MEM : MEMSX) | size, scalarReg(), base, off, 0);
      case 2 -> emit(STX | MEM | size, base, scalarReg(), off, 0);
      default -> emit(ST | MEM | size, base, 0, off, (int) interesting());
    }
  }

  private void atomic() {
    int[] ops = {
      ADD,
      OR,
      AND,
      XOR,
      ADD | FETCH,
      OR | FETCH,
      AND | FETCH,
      XOR | FETCH,
      XCHG,
      CMPXCHG,
      LOAD_ACQ,
      STORE_REL
    };
    int op = ops[rnd.nextInt(ops.length)];
    int[] sizes = {W, DW, B, H};
    int size =
        sizes[rnd.nextInt(op == LOAD_ACQ || op == STORE_REL ? 4 : rnd.nextInt(8) == 0 ? 4 : 2)];
    boolean onMap = rnd.nextBoolean();
    int base = 9;
    int off;
    int skip = -1;
    if (onMap) {
      lookup();
      skip = out.size();
      emit(JMP | JEQ | K, 0, 0, 0, 0);
      emit(ALU64 | MOV | X, 9, 0, 0, 0);
      initScalar(0);
      off = rnd.nextInt(4) == 0 ? rnd.nextInt(20) : 8 * rnd.nextInt(2);
    } else {
      emit(ALU64 | MOV | X, 9, 10, 0, 0);
      off = rnd.nextInt(4) == 0 ? -rnd.nextInt(40) : -8 * (1 + rnd.nextInt(8));
    }
    int src = rnd.nextInt(5) + 1;
    if (op == LOAD_ACQ) {
      emit(STX | ATOMIC | size, src, base, off, op); // dst is loaded into
    } else {
      emit(STX | ATOMIC | size, base, src, off, op);
    }
    if (skip >= 0) {
      patch(skip);
      initScalar(0);
    }
  }

  private void lookup() {
    emit(ST | MEM | W, 10, 0, -100, rnd.nextInt(6));
    emit(ALU64 | MOV | X, 2, 10, 0, 0);
    emit(ALU64 | ADD | K, 2, 0, 0, -100);
    emit(LD_IMM64, 1, PSEUDO_MAP_FD, 0, 0);
    emit(0, 0, 0, 0, 0);
    emit(JMP | CALL, 0, 0, 0, 1);
    reinitArgs();
  }

  private void mapValueAccess() {
    lookup();
    int skip = out.size();
    emit(JMP | (rnd.nextInt(5) == 0 ? JNE : JEQ) | K, 0, 0, 0, 0);
    emit(ALU64 | MOV | X, 9, 0, 0, 0);
    if (rnd.nextBoolean()) {
      int r = scalarReg();
      if (r == 0) {
        r = 1;
      }
      emit(ALU64 | AND | K, r, 0, 0, rnd.nextBoolean() ? 7 : (int) interesting());
      emit(ALU64 | ADD | X, 9, r, 0, 0);
    }
    initScalar(0);
    memOp(9, rnd.nextInt(20) - 2);
    patch(skip);
    initScalar(0); // returning a pointer would be a kernel address: not comparable
  }

  /** bpf_csum_diff(from, from_size, to, to_size, seed): sizes constant, bounded or not. */
  private void csumDiff() {
    emit(ALU64 | MOV | X, 1, 10, 0, 0);
    emit(ALU64 | ADD | K, 1, 0, 0, -32);
    sizeArg(2);
    if (rnd.nextInt(3) == 0) {
      emit(ALU64 | MOV | K, 3, 0, 0, 0);
      emit(ALU64 | MOV | K, 4, 0, 0, 0);
    } else {
      emit(ALU64 | MOV | X, 3, 10, 0, 0);
      emit(ALU64 | ADD | K, 3, 0, 0, -64);
      sizeArg(4);
    }
    emit(ALU64 | MOV | K, 5, 0, 0, (int) interesting());
    emit(JMP | CALL, 0, 0, 0, 28);
    reinitArgs();
  }

  /** bpf_probe_read_kernel(dst, size, unsafe_ptr): kernel, user and non-canonical addresses. */
  private void probeReadKernel() {
    emit(ALU64 | MOV | X, 1, 10, 0, 0);
    emit(ALU64 | ADD | K, 1, 0, 0, -16);
    sizeArg(2);
    long[] addrs = {
      0,
      0x1000,
      0x7fff00000000L,
      0x0000800000000000L,
      0x8000000000000000L,
      0xffff800000000000L,
      0xfffffffffffff000L,
      0xdead000000000000L,
      0xffffffffff600000L
    };
    long a = addrs[rnd.nextInt(addrs.length)];
    emit(LD_IMM64, 3, 0, 0, (int) a);
    emit(0, 0, 0, 0, (int) (a >>> 32));
    emit(JMP | CALL, 0, 0, 0, 113);
    reinitArgs();
  }

  /**
   * A helper called with edge arguments whose return value (0 or -errno) is returned at once: map
   * updates with every flag and out-of-range keys, deletes from an array, packet adjustments by any
   * delta, redirects with bad flags, checksums and probe reads of any size and address.
   */
  private void helperResultExit() {
    int kind = rnd.nextInt(7);
    shape.append("helper").append(kind).append(' ');
    switch (kind) {
      case 0, 1 -> {
        emit(ST | MEM | W, 10, 0, -100, rnd.nextInt(6));
        emit(ST | MEM | DW, 10, 0, -32, 7);
        emit(ST | MEM | DW, 10, 0, -24, 9);
        emit(LD_IMM64, 1, PSEUDO_MAP_FD, 0, 0);
        emit(0, 0, 0, 0, 0);
        emit(ALU64 | MOV | X, 2, 10, 0, 0);
        emit(ALU64 | ADD | K, 2, 0, 0, -100);
        if (kind == 0) {
          emit(ALU64 | MOV | X, 3, 10, 0, 0);
          emit(ALU64 | ADD | K, 3, 0, 0, -32);
          emit(
              ALU64 | MOV | K, 4, 0, 0, rnd.nextInt(6) - 1); // flags: -1, ANY, NOEXIST, EXIST, 3, 4
          emit(JMP | CALL, 0, 0, 0, 2); // bpf_map_update_elem
        } else {
          emit(JMP | CALL, 0, 0, 0, 3); // bpf_map_delete_elem: -EINVAL on an array
        }
      }
      case 2, 3, 4 -> {
        int[] ids = {44, 65, 54}; // xdp_adjust_head, xdp_adjust_tail, xdp_adjust_meta
        int[] deltas = {0, 1, -1, 4, -4, 14, -14, 64, -64, 200, -200, 256, -256, 4096, -4096};
        emit(ALU64 | MOV | X, 1, 6, 0, 0);
        emit(ALU64 | MOV | K, 2, 0, 0, deltas[rnd.nextInt(deltas.length)]);
        emit(JMP | CALL, 0, 0, 0, ids[kind - 2]);
      }
      case 5 -> {
        emit(ALU64 | MOV | K, 1, 0, 0, rnd.nextInt(3));
        emit(ALU64 | MOV | K, 2, 0, 0, (int) interesting()); // flags beyond XDP_ABORTED
        emit(JMP | CALL, 0, 0, 0, 23); // bpf_redirect
      }
      default -> {
        if (rnd.nextBoolean()) {
          csumDiff();
        } else {
          probeReadKernel();
        }
      }
    }
    emit(EXIT_OP, 0, 0, 0, 0);
  }

  /** A size argument in {@code r}: constant, masked unknown, or unbounded. */
  private void sizeArg(int r) {
    switch (rnd.nextInt(4)) {
      case 0 -> emit(ALU64 | MOV | K, r, 0, 0, 4 * rnd.nextInt(6));
      case 1 -> {
        emit(LDX | MEM | W, r, 6, 16, 0);
        emit(ALU64 | AND | K, r, 0, 0, rnd.nextBoolean() ? 12 : 0x3c);
      }
      case 2 -> emit(LDX | MEM | W, r, 6, 16, 0);
      default -> emit(ALU64 | MOV | K, r, 0, 0, (int) interesting());
    }
  }

  /** After a call: r1..r5 are unreadable; give them values again. */
  private void reinitArgs() {
    for (int r = 1; r <= 5; r++) {
      if (rnd.nextInt(8) != 0) {
        initScalar(r);
      }
    }
  }

  private void conditionalSkip(int depth) {
    conditionalOn(scalarReg());
    snippet(depth + 1);
    patchLastSkip();
  }

  private int lastSkip;

  private void conditionalOn(int r) {
    int[] jmps = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
    int op = jmps[rnd.nextInt(jmps.length)];
    int cls = rnd.nextBoolean() ? JMP : JMP32;
    lastSkip = out.size();
    if (rnd.nextInt(3) == 0) {
      emit(cls | op | X, r, scalarReg(), 0, 0);
    } else {
      emit(cls | op | K, r, 0, 0, (int) interesting());
    }
  }

  private void patchLastSkip() {
    patch(lastSkip);
  }

  private void boundedLoop(int depth) {
    int counter = scalarReg();
    if (rnd.nextBoolean()) {
      emit(ALU64 | MOV | K, counter, 0, 0, 1 + rnd.nextInt(8));
    } else {
      emit(LDX | MEM | W, counter, 6, 16, 0);
      emit(ALU64 | AND | K, counter, 0, 0, 7);
      emit(ALU64 | ADD | K, counter, 0, 0, 1);
    }
    int top = out.size();
    if (rnd.nextBoolean()) {
      localCalls.add(out.size());
      emit(JMP | CALL, 0, PSEUDO_CALL, 0, 0);
      reinitArgs();
      emit(ALU64 | MOV | K, counter, 0, 0, 1); // the call clobbered it: leave after this round
    } else {
      int r = scalarReg();
      if (r != counter) {
        alu(r);
      }
    }
    emit(ALU64 | SUB | K, counter, 0, 0, 1);
    int back = top - out.size() - 1;
    emit(JMP | JNE | K, counter, 0, back, 0);
  }

  /** The callee of every local call: reads its argument, maybe the caller's stack through it. */
  private void subprogram() {
    int start = out.size();
    for (int pc : localCalls) {
      out.set(pc, new Insn(JMP | CALL, 0, PSEUDO_CALL, 0, start - pc - 1));
    }
    emit(ALU64 | MOV | X, 0, 1, 0, 0);
    if (rnd.nextBoolean()) {
      emit(ALU64 | MUL | K, 0, 0, 0, 3);
    }
    if (rnd.nextBoolean()) {
      emit(ST | MEM | DW, 10, 0, -8 * (1 + rnd.nextInt(4)), 1);
    }
    emit(EXIT_OP, 0, 0, 0, 0);
  }

  /** One slot gets a field it must not have, or an opcode drawn at random. */
  private void mutateEncoding() {
    int pc = rnd.nextInt(out.size());
    Insn i = out.get(pc);
    shape.append("mutate@").append(pc).append(' ');
    Insn m =
        switch (rnd.nextInt(6)) {
          case 0 -> new Insn(rnd.nextInt(256), i.dst(), i.src(), i.off(), i.imm());
          case 1 -> new Insn(i.opcode(), i.dst(), rnd.nextInt(16), i.off(), i.imm());
          case 2 -> new Insn(i.opcode(), rnd.nextInt(16), i.src(), i.off(), i.imm());
          case 3 -> new Insn(i.opcode(), i.dst(), i.src(), rnd.nextInt(5) - 1, i.imm());
          case 4 -> new Insn(i.opcode(), i.dst(), i.src(), i.off(), rnd.nextInt(3) - 1);
          default ->
              new Insn(i.opcode() ^ (1 << rnd.nextInt(8)), i.dst(), i.src(), i.off(), i.imm());
        };
    out.set(pc, m);
  }

  // ------------------------------------------------------------------ helpers

  private int scalarReg() {
    return rnd.nextInt(6);
  }

  private long interesting() {
    if (rnd.nextInt(4) == 0) {
      return rnd.nextInt();
    }
    return INTERESTING[rnd.nextInt(INTERESTING.length)];
  }

  private void emit(int op, int dst, int src, int off, int imm) {
    out.add(new Insn(op, dst, src, off, imm));
  }

  /** Points the jump at {@code pc} to the next slot to be emitted. */
  private void patch(int pc) {
    Insn j = out.get(pc);
    out.set(pc, j.withOff(out.size() - pc - 1));
  }
}
