package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.cli.Main;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed scenario's outputs by field name: packets.jsonl decodes each metadata block through the
 * struct of the firmware that wrote it (v1 before the swap, v2 after, the union member the frame's
 * packet type selects), packets.txt shows the same, maps.json shows {@code .bss} as the program's
 * {@code struct seed_result}, and such a maps.json is accepted back by {@code --map-init}. The
 * values are checked against the hex beside them and the frame's own headers.
 */
class FieldNamesInOutputsTest {
  @TempDir static Path tmp;
  static Path out;

  static int xdpemu(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return code;
  }

  static String example(String name) {
    return MapsExamplesDifferentialTest.root().resolve("examples").resolve(name).toString();
  }

  @BeforeAll
  static void seedRun() {
    Path pcap = tmp.resolve("mixed.pcap");
    xdpemu("gen-pcap", "--out", pcap.toString(), "--count", "400", "--seed", "15");
    out = tmp.resolve("seed");
    xdpemu(
        "run",
        example("seed/xdp_mynic.bpf.o"),
        "--pcap",
        pcap.toString(),
        "--firmware",
        example("firmware/mynic-v1.json"),
        "--swap-firmware",
        example("firmware/mynic-v2.json") + "@200",
        "--out",
        out.toString(),
        "--trace");
  }

  @Test
  void metadataIsDecodedWithTheStructOfTheFirmwareThatWroteIt() throws Exception {
    List<String> lines = Files.readAllLines(out.resolve("packets.jsonl"));
    assertEquals(400, lines.size());
    int ipv4 = 0;
    int ipv6 = 0;
    for (String line : lines) {
      Located p = JsonFiles.parse(line, "packets.jsonl").asObject();
      long index = p.get("index").asLong();
      byte[] meta = HexFormat.of().parseHex(p.get("meta_in").asString());
      byte[] data = HexFormat.of().parseHex(p.get("data_in").asString());
      Located f = p.get("formatted").asObject().get("meta_in").asObject();
      // The seed program reads the metadata only: it leaves the block as the NIC wrote it.
      assertEquals(p.get("meta_in").asString(), p.get("meta_out").asString(), "packet " + index);
      if (index < 200) {
        assertEquals(List.of("timestamp", "hash", "pkt_type", "ptr_to_rx"), List.copyOf(f.keys()));
        assertEquals(le(meta, 0, 8), f.get("timestamp").asLong(), "packet " + index);
        assertEquals(le(meta, 8, 8), f.get("hash").asLong());
        assertEquals(le(meta, 16, 8), f.get("pkt_type").asLong());
        continue;
      }
      assertEquals(
          List.of(
              "hash",
              "rss_type",
              "pkt_type",
              "vlan_tci",
              "flow_mark",
              "timestamp",
              "ptr_to_rx",
              "u"),
          List.copyOf(f.keys()));
      assertEquals(le(meta, 0, 4), f.get("hash").asLong(), "packet " + index);
      assertEquals(le(meta, 16, 8), f.get("timestamp").asLong());
      Located u = f.get("u").asObject();
      long ptype = f.get("pkt_type").asLong();
      assertEquals(le(meta, 8, 2), ptype);
      int etherType = (data[12] & 0xff) << 8 | data[13] & 0xff;
      if (ptype >= 0x20 && ptype <= 0x23) { // mynic-v2.json: "ipv4" when ipv4_tcp/udp/icmp, ipv4
        assertEquals(List.of("ipv4"), List.copyOf(u.keys()), "packet " + index);
        assertEquals(le(meta, 32, 4), u.get("ipv4").asObject().get("saddr").asLong());
        if (etherType == 0x0800) {
          assertEquals(be(data, 26, 4), u.get("ipv4").asObject().get("saddr").asLong());
          assertEquals(be(data, 30, 4), u.get("ipv4").asObject().get("daddr").asLong());
        }
        ipv4++;
      } else if (ptype >= 0x10 && ptype <= 0x13) {
        assertEquals(List.of("ipv6"), List.copyOf(u.keys()), "packet " + index);
        if (etherType == 0x86dd && (data[20] == 6 || data[20] == 17)) {
          assertEquals(be(data, 54, 2), u.get("ipv6").asObject().get("sport").asLong());
          assertEquals(be(data, 56, 2), u.get("ipv6").asObject().get("dport").asLong());
        }
        ipv6++;
      } else {
        // Tunnels, ARP, L2: no member is selected, and the firmware left the union's bytes zero.
        assertEquals(List.of(), List.copyOf(u.keys()), "packet " + index);
        assertEquals(0, le(meta, 32, 8), "packet " + index);
      }
    }
    assertTrue(ipv4 > 20 && ipv6 > 20, "ipv4 " + ipv4 + ", ipv6 " + ipv6);
  }

  @Test
  void packetsTxtShowsTheSameFields() throws Exception {
    List<String> lines = Files.readAllLines(out.resolve("packets.txt"));
    List<String> metas = lines.stream().filter(l -> l.startsWith("    meta {")).toList();
    assertEquals(400, metas.size());
    Located first =
        JsonFiles.parse(Files.readAllLines(out.resolve("packets.jsonl")).get(0), "packets.jsonl")
            .asObject();
    long hash = first.get("formatted").asObject().get("meta_in").asObject().get("hash").asLong();
    assertTrue(metas.get(0).contains("hash=" + hash + ","), metas.get(0));
    assertTrue(metas.get(399).contains(", u={"), metas.get(399));
  }

  @Test
  void mapsJsonShowsGlobalDataByFieldNameAndIsAcceptedAsMapInit() throws Exception {
    Located bss = JsonFiles.read(out.resolve("maps.json")).asObject().get(".bss").asObject();
    Located entry = bss.get("entries").asArray().get(0).asObject();
    assertNull(entry.get("formatted").asObject().get("key"), "global data has no key type");
    Located result =
        entry
            .get("formatted")
            .asObject()
            .get("value")
            .asObject()
            .get(".bss")
            .asArray()
            .get(0)
            .asObject()
            .get("result");
    byte[] value = HexFormat.of().parseHex(entry.get("value").asString());
    // struct seed_result { __u64 timestamp; __u32 hash; __u32 pkt_type; ...; __u32 meta_size; }
    assertEquals(le(value, 0, 8), result.asObject().get("timestamp").asLong());
    assertEquals(40, result.asObject().get("meta_size").asLong(), "the last packet ran on v2");
    Path frame = tmp.resolve("frame.bin");
    Files.write(frame, new byte[60]);
    xdpemu(
        "test-run",
        example("seed/xdp_mynic.bpf.o"),
        "--data-in",
        frame.toString(),
        "--firmware",
        example("firmware/mynic-v2.json"),
        "--map-init",
        out.resolve("maps.json").toString());
  }

  static long le(byte[] b, int off, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[off + i] & 0xff);
    }
    return v;
  }

  static long be(byte[] b, int off, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (b[off + i] & 0xff);
    }
    return v;
  }
}
