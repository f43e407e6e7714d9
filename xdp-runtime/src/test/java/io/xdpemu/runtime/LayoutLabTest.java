package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.cli.Main;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layout lab on the seed scenario: {@code firmware diff} shows v1 -> v2 (fields moved,
 * narrowed, new, a union per packet type, a descriptor field gone), and {@code firmware check} says
 * which programs load on which layout, with every CO-RE relocation resolved per layout - the
 * offsets the relocations resolved to must be the offsets the firmware files give the fields - and
 * what the {@code bpf_core_field_exists} guard changes: the guarded program loads on v1 (its
 * unresolvable access is never reached), the unguarded one is rejected there, with the reason.
 */
class LayoutLabTest {
  record Outcome(int code, String out, String err) {}

  static Outcome xdpemu(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static final String V1 = FieldNamesInOutputsTest.example("firmware/mynic-v1.json");
  static final String V2 = FieldNamesInOutputsTest.example("firmware/mynic-v2.json");
  static final String SEED = FieldNamesInOutputsTest.example("seed/xdp_mynic.bpf.o");

  @Test
  void diffShowsTheSeedLayoutChange() {
    Outcome o = xdpemu("firmware", "diff", V1, V2);
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out()
            .contains(
                "metadata: struct mynic_metadata (32 bytes) -> struct mynic_metadata (40 bytes)"),
        o.out());
    assertTrue(
        o.out().matches("(?s).*\\n  timestamp +__u64 @0 +__u64 @16 +moved 0 -> 16\\n.*"), o.out());
    assertTrue(
        o.out()
            .matches(
                "(?s).*\\n  hash +__u64 @8 +__u32 @0 +moved 8 -> 0, narrowed 8 -> 4 bytes\\n.*"));
    assertTrue(
        o.out()
            .matches(
                "(?s).*\\n  u\\.ipv4\\.saddr +- +__u32 @32 when ipv4_tcp, ipv4_udp, ipv4_icmp, ipv4 +new\\n.*"));
    assertTrue(o.out().matches("(?s).*\\n  foobar +__u64 @24 +- +vanished\\n.*"));
    Located j = JsonFiles.parse(xdpemu("firmware", "diff", V1, V2, "--json").out(), "diff --json");
    Located meta = j.get("structs").get(0);
    assertEquals(40, meta.get("size_b").asInt());
    Located pktType = field(meta, "pkt_type");
    assertEquals(16, pktType.get("a").get("offset").asInt());
    assertEquals(2, pktType.get("b").get("size").asInt());
    assertEquals("moved 16 -> 8", pktType.get("changes").get(0).asString());
  }

  @Test
  void checkSaysWhatLoadsWhereAndWhy() {
    Outcome o = xdpemu("firmware", "check", SEED, "--firmware", V1, "--firmware", V2);
    assertEquals(1, o.code(), "a program does not load on a layout: exit 1\n" + o.err());
    assertTrue(
        o.out()
            .contains(
                "xdp_mynic_unguarded ("
                    + SEED
                    + ")\n  A: does not load: insn #6: failed to resolve CO-RE relocation <byte_off> [8] struct mynic_metadata.flow_mark"),
        o.out());
    assertTrue(
        o.out().contains("A: bpf_core_field_exists(struct mynic_metadata.flow_mark) is false"));
    assertTrue(
        o.out()
            .contains("cannot be resolved and is reached: guard it with bpf_core_field_exists()"));
    Located j =
        JsonFiles.parse(
            xdpemu("firmware", "check", SEED, "--firmware", V1, "--firmware", V2, "--json").out(),
            "check --json");
    Located guarded = program(j, "xdp_mynic");
    assertTrue(guarded.get("layouts").get(0).get("loads").asBoolean());
    assertTrue(guarded.get("layouts").get(1).get("loads").asBoolean());
    Located unguarded = program(j, "xdp_mynic_unguarded");
    assertFalse(unguarded.get("layouts").get(0).get("loads").asBoolean());
    assertTrue(unguarded.get("layouts").get(1).get("loads").asBoolean());
    // The guard: flow_mark's access is poisoned on v1 in both programs; reached only unguarded.
    Located g = relocation(guarded, "byte_off", "struct mynic_metadata.flow_mark").get(0);
    assertTrue(g.get("poisoned").asBoolean());
    assertFalse(g.get("reached").asBoolean());
    Located u = relocation(unguarded, "byte_off", "struct mynic_metadata.flow_mark").get(0);
    assertTrue(u.get("poisoned").asBoolean());
    assertTrue(u.get("reached").asBoolean());
    Located exists = relocation(guarded, "field_exists", "struct mynic_metadata.flow_mark");
    assertEquals(0, exists.get(0).get("value").asLong());
    assertEquals(1, exists.get(1).get("value").asLong());
  }

  /** Every byte_off the relocations resolved equals the field's offset in the firmware file. */
  @Test
  void resolvedOffsetsAreTheFirmwaresOffsets() {
    Located check =
        JsonFiles.parse(
            xdpemu(
                    "firmware",
                    "check",
                    SEED,
                    "--prog",
                    "xdp_mynic",
                    "--firmware",
                    V1,
                    "--firmware",
                    V2,
                    "--json")
                .out(),
            "check --json");
    Located diff = JsonFiles.parse(xdpemu("firmware", "diff", V1, V2, "--json").out(), "diff");
    Map<String, Located> fields = new HashMap<>();
    for (Located s : diff.get("structs")) {
      String struct =
          "struct "
              + (s.get("b").kind() == Located.Kind.NULL
                  ? s.get("a").asString()
                  : s.get("b").asString());
      for (Located f : s.get("fields")) {
        fields.put(struct + "." + f.get("field").asString(), f);
      }
    }
    int compared = 0;
    for (Located r : program(check, "xdp_mynic").get("relocations")) {
      if (!r.get("kind").asString().equals("byte_off")) {
        continue;
      }
      Located f = fields.get(r.get("field").asString());
      assertNotNull(f, r.get("field").asString());
      for (int layout = 0; layout < 2; layout++) {
        Located side = f.get(layout == 0 ? "a" : "b");
        Located res = r.get("layouts").get(layout);
        if (side.kind() == Located.Kind.NULL) {
          assertTrue(res.get("poisoned").asBoolean(), r.get("field").asString());
        } else {
          assertEquals(
              side.get("offset").asLong(), res.get("value").asLong(), r.get("field").asString());
          assertEquals(
              side.get("size").asLong(), res.get("size").asLong(), r.get("field").asString());
        }
        compared++;
      }
    }
    assertTrue(compared >= 16, "compared " + compared);
  }

  @Test
  void aMissingFirmwareIsBadInput() {
    Outcome o = xdpemu("firmware", "check", SEED, "--firmware", "/nonexistent.json");
    assertEquals(2, o.code());
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }

  static Located field(Located struct, String name) {
    for (Located f : struct.get("fields")) {
      if (f.get("field").asString().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no field " + name);
  }

  static Located program(Located check, String name) {
    for (Located p : check.get("programs")) {
      if (p.get("program").asString().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no program " + name);
  }

  static Located relocation(Located program, String kind, String field) {
    for (Located r : program.get("relocations")) {
      if (r.get("kind").asString().equals(kind) && r.get("field").asString().equals(field)) {
        return r.get("layouts");
      }
    }
    throw new AssertionError("no " + kind + " relocation of " + field);
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
