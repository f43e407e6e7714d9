package io.xdpemu.nic.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.firmware.Firmware;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported split BTF against what pahole makes from the generated C header: bpftool reads ours,
 * and every named type of both (and every type reachable from them, anonymous ones by position) has
 * the same members at the same offsets, the same sizes and enumerator values.
 */
class LayoutBtfTest {
  private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  @ParameterizedTest
  @ValueSource(strings = {"mynic-v1.json", "mynic-v2.json", "mynic-kernel.json"})
  void exportedBtfRoundTripsOnTheBundledBase(String file) {
    Firmware fw = TestFiles.firmware(file);
    Btf base = BaseBtf.bundled();
    Btf split = Btf.parse(LayoutBtf.export(fw, base), base);
    int desc = split.find(fw.descriptor().structName(), BtfKind.STRUCT);
    assertTrue(desc >= base.typeCount());
    assertEquals(fw.descriptor().size(), split.sizeOf(desc));
    if (fw.metadata() != null) {
      int meta = split.find(fw.metadata().structName(), BtfKind.STRUCT);
      assertEquals(fw.metadata().size(), split.sizeOf(meta));
      assertEquals(
          fw.metadata().fields().get(fw.metadata().fields().size() - 1).offset(),
          split
              .findMember(
                  meta, fw.metadata().fields().get(fw.metadata().fields().size() - 1).name())
              .byteOffset());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mynic-v1.json", "mynic-v2.json", "mynic-kernel.json"})
  void matchesPaholeOnTheGeneratedHeaderNameByNameOffsetByOffset(String file, @TempDir Path tmp)
      throws Exception {
    boolean tools =
        Files.isReadable(VMLINUX)
            && has("bpftool", "version")
            && has("pahole", "--version")
            && has("clang", "--version");
    if (!tools && TestFiles.requireTools()) {
      fail("bpftool, pahole, clang and /sys/kernel/btf/vmlinux are required");
    }
    Assumptions.assumeTrue(tools, "bpftool/pahole/clang or vmlinux BTF missing: skipped");
    compareWithPahole(TestFiles.firmware(file), tmp);
  }

  /** Gaps and tail padding become __u8 __padN[] members in the header and in the BTF alike. */
  @org.junit.jupiter.api.Test
  void paddedLayoutMatchesPahole(@TempDir Path tmp) throws Exception {
    boolean tools =
        Files.isReadable(VMLINUX)
            && has("bpftool", "version")
            && has("pahole", "--version")
            && has("clang", "--version");
    if (!tools && TestFiles.requireTools()) {
      fail("bpftool, pahole, clang and /sys/kernel/btf/vmlinux are required");
    }
    Assumptions.assumeTrue(tools, "bpftool/pahole/clang or vmlinux BTF missing: skipped");
    String text = Files.readString(TestFiles.firmwarePath("mynic-v1.json"));
    String meta = text.substring(text.indexOf("\"metadata\": {"));
    text =
        text.replace(
            meta,
            String.join(
                "\n",
                "\"metadata\": { \"struct\": \"padded_meta\", \"size\": 40, \"fields\": [",
                "  { \"name\": \"hash\", \"type\": \"u32\", \"source\": \"rss_hash\" },",
                "  { \"name\": \"ts\", \"type\": \"u64\", \"offset\": 8, \"source\": \"timestamp\" },",
                "  { \"name\": \"ptype\", \"type\": \"be16\", \"offset\": 24, \"source\": \"ptype\" }",
                "] } }"));
    Firmware fw = io.xdpemu.nic.firmware.FirmwareLoader.parse(text, "padded.json");
    String header = LayoutHeader.generate(fw);
    assertTrue(header.contains("__u8 __pad16[8];"), header);
    assertTrue(header.contains("__u8 __pad26[14];"), header);
    compareWithPahole(fw, tmp);
  }

  private static void compareWithPahole(Firmware fw, Path tmp) throws Exception {
    Path ours = tmp.resolve("ours.btf");
    Files.write(ours, LayoutBtf.export(fw, Btf.read(VMLINUX)));
    Path header = tmp.resolve("fw.h");
    Files.writeString(header, LayoutHeader.generate(fw));
    // Globals anchor every type, or pahole would see a struct reached only by pointer as FWD.
    StringBuilder c = new StringBuilder("#include \"fw.h\"\n");
    c.append("struct ").append(fw.descriptor().structName()).append(" anchor_desc;\n");
    if (fw.metadata() != null) {
      c.append("struct ").append(fw.metadata().structName()).append(" anchor_meta;\n");
    }
    if (fw.ptypeEnum() != null) {
      c.append("enum ").append(fw.ptypeEnum()).append(" anchor_ptype;\n");
    }
    Files.writeString(tmp.resolve("anchor.c"), c.toString());
    exec(tmp, "clang", "-g", "-O0", "-c", "anchor.c", "-o", "anchor.o");
    exec(tmp, "pahole", "--btf_base=" + VMLINUX, "--btf_encode_detached=pahole.btf", "anchor.o");
    Btf base = Btf.read(VMLINUX);
    Map<String, String> mine =
        canonical(
            base,
            exec(tmp, "bpftool", "-B", VMLINUX.toString(), "btf", "dump", "file", ours.toString()));
    Map<String, String> theirs =
        canonical(
            base,
            exec(
                tmp,
                "bpftool",
                "-B",
                VMLINUX.toString(),
                "btf",
                "dump",
                "file",
                tmp.resolve("pahole.btf").toString()));
    assertTrue(mine.containsKey("struct " + fw.descriptor().structName()), mine.toString());
    assertEquals(theirs, mine);
  }

  /**
   * Named structs/unions/enums of a bpftool raw dump, each described with its members (name, bit
   * offset, member type described recursively; base types by their names).
   */
  private static Map<String, String> canonical(Btf base, String dump) {
    Map<Integer, List<String>> types = new HashMap<>();
    int current = -1;
    for (String line : dump.split("\n")) {
      if (line.startsWith("[")) {
        current = Integer.parseInt(line.substring(1, line.indexOf(']')));
        types.put(current, new ArrayList<>(List.of(line.substring(line.indexOf(']') + 2))));
      } else if (line.startsWith("\t") && current >= 0) {
        types.get(current).add(line.trim());
      }
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<Integer, List<String>> e : types.entrySet()) {
      String head = e.getValue().get(0);
      String kind = head.substring(0, head.indexOf(' '));
      String name =
          head.substring(head.indexOf('\'') + 1, head.indexOf('\'', head.indexOf('\'') + 1));
      if (!name.equals("(anon)")
          && (kind.equals("STRUCT") || kind.equals("UNION") || kind.equals("ENUM"))) {
        out.put(kind.toLowerCase() + " " + name, describe(base, types, e.getKey(), true));
      }
    }
    return out;
  }

  /**
   * Typedefs and base types are described by kind and name: pahole keeps its own copy of a typedef
   * such as {@code __u64} when clang's DWARF spells the underlying int differently from vmlinux,
   * which is the same C type.
   */
  private static String describe(
      Btf base, Map<Integer, List<String>> types, int id, boolean expand) {
    List<String> t = types.get(id);
    if (t == null) {
      // pahole may reuse a base type (an array u8[8] of vmlinux) where we add our own
      if (base.type(id) instanceof io.xdpemu.ebpf.btf.BtfType.Array a) {
        return "array(" + describe(base, types, a.elemType(), false) + "," + a.nelems() + ")";
      }
      return base.kind(id) + " " + base.typeName(id);
    }
    String head = t.get(0);
    String kind = head.substring(0, head.indexOf(' '));
    String name =
        head.substring(head.indexOf('\'') + 1, head.indexOf('\'', head.indexOf('\'') + 1));
    switch (kind) {
      case "PTR":
        return "ptr(" + describe(base, types, typeId(head), false) + ")";
      case "ARRAY":
        return "array("
            + describe(base, types, intAttr(head, "type_id"), false)
            + ","
            + intAttr(head, "nr_elems")
            + ")";
      case "STRUCT":
      case "UNION":
      case "ENUM":
        if (!expand && !name.equals("(anon)")) {
          return kind.toLowerCase() + " " + name;
        }
        StringBuilder sb =
            new StringBuilder(kind.toLowerCase())
                .append(' ')
                .append(name)
                .append(' ')
                .append(head.replaceAll(".*(size=\\d+).*", "$1"))
                .append(" {");
        for (String m : t.subList(1, t.size())) {
          if (kind.equals("ENUM")) {
            sb.append(m).append("; ");
          } else {
            String mname = m.substring(1, m.indexOf('\'', 1));
            sb.append(mname)
                .append('@')
                .append(intAttr(m, "bits_offset"))
                .append(':')
                .append(describe(base, types, intAttr(m, "type_id"), false))
                .append("; ");
          }
        }
        return sb.append('}').toString();
      case "TYPEDEF":
        return "TYPEDEF " + name;
      default:
        return head;
    }
  }

  private static int typeId(String line) {
    return intAttr(line, "type_id");
  }

  private static int intAttr(String line, String attr) {
    int i = line.indexOf(attr + "=");
    int j = i + attr.length() + 1;
    int k = j;
    while (k < line.length() && Character.isDigit(line.charAt(k))) {
      k++;
    }
    return Integer.parseInt(line.substring(j, k));
  }

  private static boolean has(String tool, String arg) {
    try {
      Process p = new ProcessBuilder(tool, arg).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String exec(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    return out;
  }
}
