package io.xdpemu.ebpf.isa;

/**
 * Opcode field constants of RFC 9669 (and the kernel's {@code include/uapi/linux/bpf_common.h},
 * {@code bpf.h}). ALU/JMP opcodes are {@code code | source | class}; load/store opcodes are {@code
 * mode | size | class}.
 */
public final class Opcodes {
  private Opcodes() {}

  // Classes (low 3 bits).
  public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03;
  public static final int ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07;

  // Source bit for ALU/JMP.
  public static final int K = 0x00, X = 0x08;

  // ALU operation codes (high 4 bits).
  public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50;
  public static final int LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0;
  public static final int ARSH = 0xc0, END = 0xd0;

  // END source bit: TO_LE / TO_BE in class ALU; ALU64 END is an unconditional swap.
  public static final int TO_LE = 0x00, TO_BE = 0x08;

  // Jump operation codes.
  public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50;
  public static final int JSGT = 0x60, JSGE = 0x70, CALL = 0x80, EXIT = 0x90, JLT = 0xa0;
  public static final int JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0, JCOND = 0xe0;

  // Load/store sizes and modes.
  public static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
  public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80;
  public static final int ATOMIC = 0xc0;

  // Atomic operations (imm of STX|ATOMIC).
  public static final int FETCH = 0x01, XCHG = 0xe0 | FETCH, CMPXCHG = 0xf0 | FETCH;
  public static final int LOAD_ACQ = 0x100, STORE_REL = 0x110;

  // ld_imm64 source registers (BPF_PSEUDO_*).
  public static final int PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2, PSEUDO_BTF_ID = 3;
  public static final int PSEUDO_FUNC = 4, PSEUDO_MAP_IDX = 5, PSEUDO_MAP_IDX_VALUE = 6;

  // call source registers.
  public static final int PSEUDO_CALL = 1, PSEUDO_KFUNC_CALL = 2;

  // Whole opcodes used often.
  public static final int LD_IMM64 = LD | IMM | DW; // 0x18
  public static final int CALL_OP = JMP | CALL; // 0x85
  public static final int EXIT_OP = JMP | EXIT; // 0x95

  /** The size in bytes of a load/store size field. */
  public static int sizeBytes(int opcode) {
    switch (opcode & 0x18) {
      case W:
        return 4;
      case H:
        return 2;
      case B:
        return 1;
      default:
        return 8;
    }
  }
}
