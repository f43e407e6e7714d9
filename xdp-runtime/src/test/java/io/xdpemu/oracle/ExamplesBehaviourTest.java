package io.xdpemu.oracle;

import static io.xdpemu.oracle.KernelAssumptions.assumeKernelOracle;
import static io.xdpemu.oracle.KernelAssumptions.example;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The examples do what examples/README.md says, in the kernel: the verdict of every named frame of
 * the differential test's packet set, with and without a mark in the metadata. This keeps the
 * packet set honest (every branch of every example is taken) before xdpemu is compared with it.
 */
class ExamplesBehaviourTest {
  private static final int DROP = 1;
  private static final int PASS = 2;
  private static final int TX = 3;

  /** Frames whose verdict depends on random bytes or a digest: not pinned here. */
  private static final Set<String> UNPINNED =
      Set.of("random_60", "random_200", "random_linear_max");

  private static final Set<String> NOT_IPV4 =
      Set.of(
          "arp",
          "ipv6_udp",
          "vlan1_udp",
          "vlan1_ttl1",
          "qinq_udp",
          "qinq_ttl1",
          "vlan3",
          "vlan5",
          "vlan_truncated");
  private static final Set<String> IPV4_TRUNCATED = Set.of("eth_only", "ipv4_truncated");

  /** Expected verdict of a frame; meta = the 4-byte mark 0x4000002e, or none. */
  interface Expectation {
    int verdict(String frame, boolean withMark);
  }

  private static final Map<String, Expectation> EXPECTED =
      Map.of(
          "xdp_pass", (f, m) -> PASS,
          "xdp_drop", (f, m) -> Set.of("udp_discard", "udp_blocked_src").contains(f) ? DROP : PASS,
          "xdp_bounce",
              (f, m) ->
                  Set.of(
                              "udp_dns",
                              "udp_discard",
                              "udp_blocked_src",
                              "tcp_syn",
                              "icmp_echo",
                              "udp_ttl1",
                              "udp_1500")
                          .contains(f)
                      ? TX
                      : PASS,
          "xdp_calls",
              (f, m) ->
                  Set.of(
                              "udp_ttl1",
                              "vlan1_ttl1",
                              "qinq_ttl1",
                              "vlan3",
                              "vlan5",
                              "vlan_truncated",
                              "eth_only",
                              "ipv4_truncated")
                          .contains(f)
                      ? DROP
                      : PASS,
          "xdp_meta",
              (f, m) -> m && !NOT_IPV4.contains(f) && !IPV4_TRUNCATED.contains(f) ? TX : PASS,
          "xdp_counter", (f, m) -> PASS);

  @TestFactory
  Stream<DynamicTest> examplesBehaveAsDocumented() {
    return ExamplesDifferentialTest.EXAMPLES.stream()
        .filter(ex -> EXPECTED.containsKey(ex.program()))
        .map(ex -> dynamicTest(ex.program(), () -> check(ex)));
  }

  private static void check(ExamplesDifferentialTest.Example ex) {
    assumeKernelOracle();
    Expectation expectation = EXPECTED.get(ex.program());
    List<String> wrong = new ArrayList<>();
    int pinned = 0;
    try (KernelOracle k = KernelOracle.open(example(ex.object()), ex.program(), null)) {
      for (ExamplesDifferentialTest.Preload p : ex.preload()) {
        k.update(p.map(), p.key(), p.value());
      }
      for (ExamplesDifferentialTest.Case c : ExamplesDifferentialTest.cases(ex)) {
        OracleResult r = k.run(c.meta(), c.frame(), 1);
        boolean plainMark = Arrays.equals(c.meta(), Frames.mark(0x4000002e));
        if (UNPINNED.contains(c.name()) || (c.meta().length > 0 && !plainMark)) {
          continue;
        }
        pinned++;
        int want = expectation.verdict(c.name(), plainMark);
        if (r.retval() != want) {
          wrong.add(c.name() + (plainMark ? " +mark" : "") + ": " + r.retval() + ", want " + want);
        }
        assertArrayEquals(c.meta(), r.metaOut(), c.name() + ": no example rewrites metadata");
      }
    }
    assertTrue(pinned >= 40, "pinned " + pinned);
    if (!wrong.isEmpty()) {
      fail(ex.program() + ":\n" + String.join("\n", wrong));
    }
  }

  @TestFactory
  Stream<DynamicTest> metaProgramHonoursEveryMarkBit() {
    return Stream.of(
        dynamicTest(
            "xdp_meta marks",
            () -> {
              assumeKernelOracle();
              byte[] frame = ExamplesDifferentialTest.frames().get("udp_dns");
              try (KernelOracle k = KernelOracle.open(example("xdp_meta.o"), "xdp_meta", null)) {
                assertEquals(PASS, k.run(Frames.mark(0), frame, 1).retval());
                assertEquals(DROP, k.run(Frames.mark(0x80000001), frame, 1).retval());
                assertEquals(DROP, k.run(Frames.mark(0xc000002e), frame, 1).retval());
                OracleResult pass = k.run(Frames.mark(5), frame, 1);
                assertEquals(PASS, pass.retval());
                assertEquals(5 << 2, pass.dataOut()[15] & 0xff);
                assertEquals(0, Frames.checksum(pass.dataOut(), 14, 20, 0));
                byte[] bigMeta = Frames.concat(Frames.mark(0x40000030), Frames.random(1, 212));
                OracleResult tx = k.run(bigMeta, frame, 1);
                assertEquals(TX, tx.retval(), "mark read from the start of 216 bytes of metadata");
                assertArrayEquals(bigMeta, tx.metaOut());
              }
            }));
  }

  @TestFactory
  Stream<DynamicTest> callsProgramPopsASingleVlanTag() {
    return Stream.of(
        dynamicTest(
            "xdp_calls vlan pop",
            () -> {
              assumeKernelOracle();
              Map<String, byte[]> frames = ExamplesDifferentialTest.frames();
              byte[] tagged = frames.get("vlan1_udp");
              try (KernelOracle k = KernelOracle.open(example("xdp_calls.o"), "xdp_calls", null)) {
                OracleResult r = k.run(new byte[0], tagged, 1);
                assertEquals(PASS, r.retval());
                byte[] expected =
                    Frames.concat(
                        Arrays.copyOf(tagged, 12), Arrays.copyOfRange(tagged, 16, tagged.length));
                assertArrayEquals(expected, r.dataOut(), "4-byte tag removed, MACs kept");
                OracleResult withMeta = k.run(Frames.mark(1, 2), tagged, 1);
                assertArrayEquals(expected, withMeta.dataOut(), "adjust_head keeps the metadata");
                assertArrayEquals(Frames.mark(1, 2), withMeta.metaOut());
              }
            }));
  }
}
