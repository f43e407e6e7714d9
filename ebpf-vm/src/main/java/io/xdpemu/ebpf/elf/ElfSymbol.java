package io.xdpemu.ebpf.elf;

/**
 * One {@code Elf64_Sym} entry of {@code .symtab}.
 *
 * <pre>
 *  0        4      5      6        8                16               24
 * +--------+------+------+--------+----------------+----------------+
 * | name   | info | other| shndx  | value (u64)    | size (u64)     |
 * +--------+------+------+--------+----------------+----------------+
 *   info = bind << 4 | type
 * </pre>
 */
public record ElfSymbol(
    int index, String name, int bind, int type, int shndx, long value, long size) {
  public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
  public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3;
  public static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;

  public boolean isUndefined() {
    return shndx == SHN_UNDEF;
  }
}
