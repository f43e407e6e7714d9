package io.xdpemu.ebpf.elf;

/**
 * One ELF64 section header ({@code Elf64_Shdr}) with its name resolved and its file bytes located.
 *
 * <pre>
 *  0        4        8                16               24               32
 * +--------+--------+----------------+----------------+----------------+
 * | name   | type   | flags (u64)    | addr (u64)     | offset (u64)   |
 * +--------+--------+----------------+----------------+----------------+
 * | size (u64)      | link   | info   | addralign (u64)| entsize (u64)  |
 * +-----------------+--------+--------+----------------+----------------+  = 64 bytes
 * </pre>
 *
 * @param index section header index
 * @param name name from the section header string table
 * @param type {@code SHT_*}
 * @param flags {@code SHF_*}
 * @param offset byte offset of the contents in the file (meaningless for NOBITS)
 * @param size size of the contents in bytes (for NOBITS: the size in memory)
 * @param link {@code sh_link} (symbol table of a REL section; string table of a SYMTAB)
 * @param info {@code sh_info} (target section of a REL section)
 * @param entsize {@code sh_entsize}
 */
public record ElfSection(
    int index,
    String name,
    int type,
    long flags,
    long offset,
    long size,
    int link,
    int info,
    long entsize) {
  public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3;
  public static final int SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9;
  public static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;

  public boolean isExecutable() {
    return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
  }

  @Override
  public String toString() {
    return "section " + index + " '" + name + "'";
  }
}
