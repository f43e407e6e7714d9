package io.xdpemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.cli.CliTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code xdpemu verify} sees what the loader knows (BTF function prototypes, line info, CO-RE
 * outcome), so its verdicts are the kernel's. The expected messages were taken from {@code bpftool
 * -d prog load OBJ /sys/fs/bpf/x type xdp} on Linux 6.18.
 */
class VerifyCommandTest {
  static Path root;

  @BeforeAll
  static void setUp() {
    String r = System.getProperty("xdpemu.root");
    Assumptions.assumeTrue(
        r != null && Files.isDirectory(Path.of(r, "examples")),
        "repository root with examples/ not found");
    root = Path.of(r);
  }

  static String resource(String name) throws Exception {
    return Path.of(VerifyCommandTest.class.getResource("/verify/" + name).toURI()).toString();
  }

  static String example(String name) {
    return root.resolve("examples").resolve(name).toString();
  }

  /**
   * global_proto.c: pick(int i) indexes a global array unchecked and is called with a constant. The
   * kernel verifies the global function once with i = unknown scalar and rejects; checking it in
   * the caller's context (i = 1) would accept.
   */
  @Test
  void globalFunctionIsVerifiedAgainstItsPrototypeNotTheCallSite() throws Exception {
    Outcome o = CliTest.xdpemu("verify", resource("global_proto.o"));
    assertEquals(1, o.code(), o.out() + o.err());
    assertTrue(o.out().contains("Validating pick() func#1...\n"), o.out());
    assertTrue(
        o.out()
            .contains(
                "math between map_value pointer and register with unbounded min "
                    + "value is not allowed"),
        o.out());
    // Both modes: an unprivileged loader fails the same way.
    Outcome u = CliTest.xdpemu("verify", resource("global_proto.o"), "--unprivileged");
    assertEquals(1, u.code(), u.out() + u.err());
  }

  /** verbose_linfo(): the log names the source line before its first instruction. */
  @Test
  void logShowsSourceLinesFromBtfExt() throws Exception {
    Outcome o = CliTest.xdpemu("verify", resource("global_proto.o"));
    assertTrue(o.out().contains("; return table[i]; @ global_proto.c:17\n"), o.out());
    Outcome calls = CliTest.xdpemu("verify", example("xdp_calls.o"), "--log-level", "2");
    assertEquals(0, calls.code(), calls.err());
    assertTrue(
        calls.out().lines().anyMatch(l -> l.matches("; .* @ xdp_calls\\.c:\\d+")), calls.out());
  }

  /**
   * xdp_calls.o: ttl_verdict() is global, so it is validated once, after the main program, with the
   * kernel's log line and statistics (kernel: "Validating ttl_verdict() func#2...", "processed 291
   * insns ... max_states_per_insn 3 total_states 21 peak_states 19" as root).
   */
  @Test
  void globalFunctionIsValidatedOnceAsTheKernelLogsIt() {
    Outcome o = CliTest.xdpemu("verify", example("xdp_calls.o"));
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Validating ttl_verdict() func#2...\n"), o.out());
    String last = o.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals(
        "processed 291 insns (limit 1000000) max_states_per_insn 3 total_states 21 peak_states 19"
            + " mark_read 0",
        last);
  }

  /**
   * The CO-RE outcome still reaches the verifier: without firmware the seed program's
   * mynic_metadata relocations are poisoned and rejected with libbpf's message, as the kernel
   * rejects it; with either firmware they resolve and the program verifies.
   */
  @Test
  void coreRelocatedSeedProgramVerifiesPerFirmware() {
    Outcome none = CliTest.xdpemu("verify", example("seed/xdp_mynic.bpf.o"));
    assertEquals(1, none.code(), none.out());
    assertTrue(
        (none.out() + none.err())
            .contains(
                "failed to resolve CO-RE relocation <byte_off> "
                    + "[8] struct mynic_metadata.timestamp (0:2 @ offset 16)"),
        none.out() + none.err());
    assertTrue(none.out().contains("processed 11 insns"), none.out());
    for (String fw : new String[] {"mynic-v1.json", "mynic-v2.json"}) {
      Outcome o =
          CliTest.xdpemu(
              "verify",
              example("seed/xdp_mynic.bpf.o"),
              "--firmware",
              example("firmware/" + fw),
              "--log-level",
              "2");
      assertEquals(0, o.code(), fw + ": " + o.out() + o.err());
      assertTrue(
          o.out().contains("; result.timestamp = m->timestamp; @ xdp_mynic.bpf.c:63"),
          fw + ": " + o.out());
    }
  }
}
