package io.xdpemu.ebpf.elf;

/**
 * One {@code Elf64_Rel} entry: {@code r_offset} (u64) and {@code r_info} (u64, symbol index in the
 * high 32 bits, type in the low 32). BPF objects use REL (no addend); the addend lives in the
 * instruction or data word being relocated.
 *
 * @param offset byte offset inside the target section
 * @param symbol the symbol the relocation refers to
 * @param type {@code R_BPF_*}
 */
public record ElfRelocation(long offset, ElfSymbol symbol, int type) {
  /** ld_imm64 against a map or data symbol; 64-bit data word in .maps/.data. */
  public static final int R_BPF_64_64 = 1;

  public static final int R_BPF_64_ABS64 = 2;
  public static final int R_BPF_64_ABS32 = 3;
  public static final int R_BPF_64_NODYLD32 = 4;

  /** call (or ld_imm64 of a function address) against a function or .text section symbol. */
  public static final int R_BPF_64_32 = 10;
}
