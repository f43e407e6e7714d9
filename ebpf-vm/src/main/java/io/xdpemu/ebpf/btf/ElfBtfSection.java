package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Pulls one named section (.BTF, .BTF.ext) out of an ELF64 object so that {@code btf dump file
 * prog.o} works as in bpftool (libbpf {@code btf__parse} accepts raw BTF or ELF). The full ELF
 * loader lives in the elf package; this is the minimal, bounds-checked section lookup.
 *
 * <pre>
 *  Elf64_Ehdr: e_ident[16] (7f 'E' 'L' 'F', class 2 = 64-bit, data 1 = LE / 2 = BE) ...
 *    +0x28 e_shoff (u64)  +0x3a e_shentsize (u16)  +0x3c e_shnum (u16)  +0x3e e_shstrndx (u16)
 *  Elf64_Shdr (64 bytes): +0 sh_name (u32) +0x18 sh_offset (u64) +0x20 sh_size (u64)
 * </pre>
 */
public final class ElfBtfSection {
  private ElfBtfSection() {}

  public static boolean isElf(byte[] data) {
    return data.length >= 4
        && data[0] == 0x7f
        && data[1] == 'E'
        && data[2] == 'L'
        && data[3] == 'F';
  }

  /** The bytes of the .BTF section. */
  public static byte[] extract(byte[] elf, String source) {
    byte[] s = section(elf, ".BTF", source);
    if (s == null) {
      throw new MalformedInputException(
          "malformed BTF " + source + ": ELF object has no .BTF section");
    }
    return s;
  }

  /** The bytes of section {@code name}, or null when absent. */
  public static byte[] section(byte[] elf, String name, String source) {
    if (elf.length < 64 || elf[4] != 2) {
      throw new MalformedInputException(
          "malformed ELF " + source + ": not a 64-bit ELF object (at byte offset 4)");
    }
    ByteBuffer b =
        ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    long shoff = b.getLong(0x28);
    int shentsize = b.getShort(0x3a) & 0xffff;
    int shnum = b.getShort(0x3c) & 0xffff;
    int shstrndx = b.getShort(0x3e) & 0xffff;
    if (shentsize < 64
        || shoff < 0
        || shoff + (long) shnum * shentsize > elf.length
        || shstrndx >= shnum) {
      throw new MalformedInputException(
          "malformed ELF " + source + ": section header table out of bounds (at byte offset 40)");
    }
    long strtab = b.getLong((int) (shoff + (long) shstrndx * shentsize) + 0x18);
    long strsize = b.getLong((int) (shoff + (long) shstrndx * shentsize) + 0x20);
    if (strtab < 0 || strsize < 0 || strtab + strsize > elf.length) {
      throw new MalformedInputException(
          "malformed ELF " + source + ": section name table out of bounds");
    }
    byte[] want = name.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < shnum; i++) {
      int sh = (int) (shoff + (long) i * shentsize);
      long nameOff = Integer.toUnsignedLong(b.getInt(sh));
      if (nameOff + want.length + 1 > strsize) {
        continue;
      }
      int at = (int) (strtab + nameOff);
      if (Arrays.equals(elf, at, at + want.length, want, 0, want.length)
          && elf[at + want.length] == 0) {
        long off = b.getLong(sh + 0x18);
        long size = b.getLong(sh + 0x20);
        if (off < 0 || size < 0 || off + size > elf.length) {
          throw new MalformedInputException(
              "malformed ELF "
                  + source
                  + ": section "
                  + name
                  + " runs past the end of the file (at byte offset "
                  + sh
                  + ")");
        }
        return Arrays.copyOfRange(elf, (int) off, (int) (off + size));
      }
    }
    return null;
  }
}
