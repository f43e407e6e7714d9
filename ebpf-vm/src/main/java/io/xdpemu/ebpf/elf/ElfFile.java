package io.xdpemu.ebpf.elf;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A relocatable ELF64 little-endian object for {@code EM_BPF}, as {@code clang -target bpf} writes
 * it: section headers, the symbol table and REL sections. Every offset read from the file is
 * checked against the file size before use, so a truncated or corrupted object raises a {@link
 * MalformedInputException} naming the file, the structure and the offset, never a JVM exception.
 *
 * <pre>
 * Elf64_Ehdr (64 bytes)
 *  0x00 e_ident[16]: 7f 'E' 'L' 'F' | class (2 = 64-bit) | data (1 = LE) | version | ...
 *  0x10 e_type u16 (1 = REL) | e_machine u16 (247 = BPF) | e_version u32
 *  0x18 e_entry u64 | 0x20 e_phoff u64 | 0x28 e_shoff u64
 *  0x30 e_flags u32 | e_ehsize u16 | e_phentsize u16 | e_phnum u16
 *  0x3a e_shentsize u16 | 0x3c e_shnum u16 | 0x3e e_shstrndx u16
 * </pre>
 */
public final class ElfFile {
  static final int EM_BPF = 247;
  static final int ET_REL = 1;
  private static final int SHN_XINDEX = 0xffff;
  private static final int SHDR_SIZE = 64;
  private static final int SYM_SIZE = 24;
  private static final int REL_SIZE = 16;

  private final String fileName;
  private final ByteBuffer buf;
  private final List<ElfSection> sections;
  private final List<ElfSymbol> symbols;
  private final ElfSection symtab;

  private ElfFile(String fileName, byte[] bytes) {
    this.fileName = fileName;
    this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    checkIdent(bytes);
    this.sections = Collections.unmodifiableList(readSectionHeaders());
    ElfSection found = null;
    for (ElfSection s : sections) {
      if (s.type() == ElfSection.SHT_SYMTAB) {
        if (found != null) {
          throw fail(s + ": more than one symbol table");
        }
        found = s;
      }
    }
    this.symtab = found;
    this.symbols = found == null ? List.of() : Collections.unmodifiableList(readSymbols(found));
  }

  /** Parses {@code bytes}; {@code fileName} only names the object in error messages. */
  public static ElfFile parse(String fileName, byte[] bytes) {
    return new ElfFile(fileName, bytes);
  }

  public String fileName() {
    return fileName;
  }

  public List<ElfSection> sections() {
    return sections;
  }

  /** All symbols, indexed by their symbol table index (entry 0 is the null symbol). */
  public List<ElfSymbol> symbols() {
    return symbols;
  }

  public ElfSection section(int index) {
    if (index < 0 || index >= sections.size()) {
      throw fail("section index " + index + " out of range (" + sections.size() + " sections)");
    }
    return sections.get(index);
  }

  /** The first section called {@code name}, or null. */
  public ElfSection sectionByName(String name) {
    for (ElfSection s : sections) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** A copy of the section's contents (zeros for NOBITS). */
  public byte[] contents(ElfSection s) {
    if (s.size() > Integer.MAX_VALUE - 16) {
      throw fail(s + ": size " + s.size() + " too large");
    }
    byte[] out = new byte[(int) s.size()];
    if (s.type() != ElfSection.SHT_NOBITS) {
      checkRange(s.offset(), s.size(), s + " contents");
      buf.get((int) s.offset(), out);
    }
    return out;
  }

  /** The REL entries of {@code rel}, resolved against the symbol table. */
  public List<ElfRelocation> relocations(ElfSection rel) {
    if (rel.type() == ElfSection.SHT_RELA) {
      throw fail(rel + ": RELA relocations are not used by BPF objects");
    }
    if (symtab == null || rel.link() != symtab.index()) {
      throw fail(rel + ": sh_link " + rel.link() + " is not the symbol table");
    }
    if (rel.size() % REL_SIZE != 0) {
      throw fail(rel + ": size " + rel.size() + " is not a multiple of " + REL_SIZE);
    }
    checkRange(rel.offset(), rel.size(), rel + " entries");
    List<ElfRelocation> out = new ArrayList<>();
    for (long at = rel.offset(); at < rel.offset() + rel.size(); at += REL_SIZE) {
      long offset = buf.getLong((int) at);
      long info = buf.getLong((int) at + 8);
      long symIndex = info >>> 32;
      if (symIndex >= symbols.size()) {
        throw fail(
            rel
                + " at offset 0x"
                + Long.toHexString(at)
                + ": symbol index "
                + symIndex
                + " out of range ("
                + symbols.size()
                + " symbols)");
      }
      out.add(new ElfRelocation(offset, symbols.get((int) symIndex), (int) info));
    }
    return out;
  }

  /** Builds a "malformed ELF" exception naming this file. */
  MalformedInputException fail(String what) {
    return new MalformedInputException("malformed ELF " + fileName + ": " + what);
  }

  private void checkIdent(byte[] b) {
    if (b.length < 64) {
      throw fail("file is " + b.length + " bytes, shorter than the 64-byte ELF header");
    }
    if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
      throw fail("offset 0: bad magic, not an ELF file");
    }
    if (b[4] != 2) {
      throw fail("offset 4: ELF class " + b[4] + " is not ELF64 (only 64-bit objects supported)");
    }
    if (b[5] == 2) {
      throw fail("offset 5: big-endian object; only little-endian BPF objects are supported");
    }
    if (b[5] != 1) {
      throw fail("offset 5: unknown data encoding " + b[5]);
    }
    int type = buf.getShort(0x10) & 0xffff;
    int machine = buf.getShort(0x12) & 0xffff;
    // libbpf bpf_object__elf_init: ET_REL and e_machine EM_BPF (or 0, as old LLVM wrote).
    if (type != ET_REL) {
      throw fail("offset 0x10: e_type " + type + " is not ET_REL (a relocatable object)");
    }
    if (machine != EM_BPF && machine != 0) {
      throw fail("offset 0x12: e_machine " + machine + " is not EM_BPF (247)");
    }
  }

  private List<ElfSection> readSectionHeaders() {
    long shoff = buf.getLong(0x28);
    int shentsize = buf.getShort(0x3a) & 0xffff;
    long shnum = buf.getShort(0x3c) & 0xffff;
    int shstrndx = buf.getShort(0x3e) & 0xffff;
    if (shoff == 0) {
      throw fail("offset 0x28: no section header table");
    }
    if (shentsize != SHDR_SIZE) {
      throw fail("offset 0x3a: e_shentsize " + shentsize + " is not " + SHDR_SIZE);
    }
    checkRange(shoff, SHDR_SIZE, "section header 0");
    if (shnum == 0) { // extended numbering: the count lives in section 0's sh_size
      shnum = buf.getLong((int) shoff + 0x20);
    }
    if (shstrndx == SHN_XINDEX) {
      shstrndx = buf.getInt((int) shoff + 0x28);
    }
    if (shnum <= 0 || shnum > (buf.capacity() / SHDR_SIZE)) {
      throw fail("offset 0x3c: " + shnum + " section headers do not fit in the file");
    }
    checkRange(shoff, shnum * SHDR_SIZE, "section header table");
    if (shstrndx <= 0 || shstrndx >= shnum) {
      throw fail("offset 0x3e: e_shstrndx " + shstrndx + " out of range (" + shnum + " sections)");
    }
    int strOff = (int) shoff + shstrndx * SHDR_SIZE;
    long namesOffset = buf.getLong(strOff + 0x18);
    long namesSize = buf.getLong(strOff + 0x20);
    checkRange(namesOffset, namesSize, "section name table (section " + shstrndx + ")");
    List<ElfSection> out = new ArrayList<>();
    for (int i = 0; i < shnum; i++) {
      int h = (int) shoff + i * SHDR_SIZE;
      int nameOff = buf.getInt(h);
      String name = i == 0 ? "" : string(namesOffset, namesSize, nameOff, "name of section " + i);
      int type = buf.getInt(h + 4);
      long flags = buf.getLong(h + 8);
      long offset = buf.getLong(h + 0x18);
      long size = buf.getLong(h + 0x20);
      int link = buf.getInt(h + 0x28);
      int info = buf.getInt(h + 0x2c);
      long entsize = buf.getLong(h + 0x38);
      ElfSection s = new ElfSection(i, name, type, flags, offset, size, link, info, entsize);
      if (i != 0 && type != ElfSection.SHT_NOBITS && type != ElfSection.SHT_NULL) {
        checkRange(offset, size, s + " contents");
      }
      out.add(s);
    }
    return out;
  }

  private List<ElfSymbol> readSymbols(ElfSection st) {
    if (st.size() % SYM_SIZE != 0) {
      throw fail(st + ": size " + st.size() + " is not a multiple of " + SYM_SIZE);
    }
    if (st.link() <= 0 || st.link() >= sections.size()) {
      throw fail(st + ": sh_link " + st.link() + " is not a string table");
    }
    ElfSection strtab = sections.get(st.link());
    if (strtab.type() != ElfSection.SHT_STRTAB) {
      throw fail(st + ": sh_link " + st.link() + " is not a string table");
    }
    List<ElfSymbol> out = new ArrayList<>();
    int count = (int) (st.size() / SYM_SIZE);
    for (int i = 0; i < count; i++) {
      int at = (int) st.offset() + i * SYM_SIZE;
      int nameOff = buf.getInt(at);
      int info = buf.get(at + 4) & 0xff;
      int shndx = buf.getShort(at + 6) & 0xffff;
      long value = buf.getLong(at + 8);
      long size = buf.getLong(at + 16);
      String name = string(strtab.offset(), strtab.size(), nameOff, "name of symbol " + i);
      out.add(new ElfSymbol(i, name, info >>> 4, info & 0xf, shndx, value, size));
    }
    return out;
  }

  private String string(long tableOffset, long tableSize, int off, String what) {
    if (off < 0 || off >= tableSize) {
      throw fail(what + ": string offset " + (off & 0xffffffffL) + " outside its table");
    }
    int start = (int) (tableOffset + off);
    int end = start;
    int limit = (int) (tableOffset + tableSize);
    while (end < limit && buf.get(end) != 0) {
      end++;
    }
    if (end == limit) {
      throw fail(what + ": string at offset 0x" + Integer.toHexString(start) + " not terminated");
    }
    byte[] b = new byte[end - start];
    buf.get(start, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private void checkRange(long offset, long size, String what) {
    if (offset < 0 || size < 0 || offset > buf.capacity() || size > buf.capacity() - offset) {
      throw fail(
          what
              + " at offset 0x"
              + Long.toHexString(offset)
              + " size "
              + size
              + " extends past the end of the file ("
              + buf.capacity()
              + " bytes)");
    }
  }
}
