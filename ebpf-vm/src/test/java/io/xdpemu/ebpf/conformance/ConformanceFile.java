package io.xdpemu.ebpf.conformance;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One bpf_conformance {@code .data} file, parsed by the rules of the suite's {@code
 * lib/src/bpf_test_parser.cc}: a line containing {@code --} is a directive, matched by substring in
 * the order asm, result, mem, raw, "no register offset", " c", error; anything else makes the file
 * unusable. Text from the first {@code #} is a comment. {@code -- raw} wins over {@code -- asm};
 * raw lines are either one 64-bit word per token or, in the negative unused-field tests, eight byte
 * tokens per instruction.
 */
record ConformanceFile(
    String name,
    String asm,
    int asmFirstLine,
    List<String> raw,
    byte[] mem,
    Long result,
    String error) {

  /** Reads the file; an unknown directive or a file without a program is malformed. */
  static ConformanceFile parse(String name, String text) {
    StringBuilder asm = null;
    int asmLine = 0;
    List<String> raw = null;
    ByteArrayOutputStream mem = null;
    List<String> result = null;
    StringBuilder error = null;
    String section = "";
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      int cut = line.indexOf('#');
      if ((cut >= 0 ? line.substring(0, cut) : line).contains("--")) {
        section = directive(name, i + 1, line);
        switch (section) {
          case "asm":
            asm = new StringBuilder();
            asmLine = i + 2;
            break;
          case "raw":
            raw = new ArrayList<>();
            break;
          case "mem":
            mem = new ByteArrayOutputStream();
            break;
          case "result":
            result = new ArrayList<>();
            break;
          case "error":
            error = new StringBuilder();
            break;
          default:
        }
        continue;
      }
      if (section.equals("asm")) { // keep every line so assembler errors name file lines
        asm.append(line).append('\n');
        continue;
      }
      int hash = line.indexOf('#');
      String body = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (body.isEmpty()) {
        continue;
      }
      switch (section) {
        case "raw":
          raw.add(body);
          break;
        case "mem":
          for (String b : body.split("\\s+")) {
            mem.write(Integer.parseInt(b, 16));
          }
          break;
        case "result":
          result.add(body);
          break;
        case "error":
          error.append(body);
          break;
        default: // ignored sections (-- c, -- no register offset) and the header
      }
    }
    if (asm == null && raw == null) {
      throw new MalformedInputException("malformed conformance file " + name + ": no program");
    }
    if ((result == null || result.isEmpty()) && error == null) {
      throw new MalformedInputException(
          "malformed conformance file " + name + ": neither result nor error");
    }
    Long expected = null;
    if (result != null && !result.isEmpty()) {
      String last = result.get(result.size() - 1);
      expected =
          last.contains("0x")
              ? Long.parseUnsignedLong(last.substring(last.indexOf("0x") + 2), 16)
              : Long.parseLong(last);
    }
    return new ConformanceFile(
        name,
        asm == null ? null : asm.toString(),
        asmLine,
        raw,
        mem == null ? null : mem.toByteArray(),
        expected,
        error == null ? null : error.toString());
  }

  private static String directive(String file, int lineNo, String line) {
    String[] known = {"asm", "result", "mem", "raw", "no register offset", " c", "error"};
    for (String k : known) {
      if (line.contains(k)) {
        return k.equals("no register offset") || k.equals(" c") ? "ignored" : k;
      }
    }
    throw new MalformedInputException(
        "malformed conformance file " + file + " line " + lineNo + ": unknown directive " + line);
  }

  /** The program: raw words/bytes if present (they take precedence), else the assembled text. */
  Insn[] program() {
    if (raw != null) {
      List<Long> words = new ArrayList<>();
      for (String line : raw) {
        String[] tokens = line.split("\\s+");
        if (tokens.length == 8 && line.matches("([0-9a-fA-F]{2}\\s*){8}")) {
          long w = 0;
          for (int b = 7; b >= 0; b--) {
            w = (w << 8) | Integer.parseInt(tokens[b], 16);
          }
          words.add(w);
        } else {
          for (String t : tokens) {
            words.add(
                t.startsWith("0x")
                    ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseLong(t));
          }
        }
      }
      return Decoder.decode(words.stream().mapToLong(Long::longValue).toArray());
    }
    return Decoder.validate(Assembler.assemble(asm, name, asmFirstLine));
  }
}
