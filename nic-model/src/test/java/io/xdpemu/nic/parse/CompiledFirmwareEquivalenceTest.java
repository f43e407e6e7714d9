package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.nic.FirmwareEquivalence;
import io.xdpemu.nic.PlainFirmware;
import io.xdpemu.nic.TestFiles;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The compiled firmware equals the interpreter (the reference) on every shipped firmware - the
 * examples' and the bundled plain one - frame by frame: parse result, RSS queue, metadata and
 * descriptor bytes. Frames: the repository's captures, the synthetic stacks, the shared tcpdump
 * captures (skipped visibly when absent, a failure under XDPEMU_REQUIRE_KERNEL=1), and fuzzed
 * frames from fixed seeds. Generated traffic is checked in xdp-runtime, where the generator lives
 * ({@code CompiledFirmwareTrafficTest}).
 */
class CompiledFirmwareEquivalenceTest {
  /** Fuzzed frames per firmware (each seed's sequence is fixed). */
  static final int FUZZED = 6000;

  static List<Firmware> shippedFirmwares() throws IOException {
    List<Firmware> fws = new ArrayList<>();
    fws.add(PlainFirmware.get());
    try (Stream<Path> s = Files.list(TestFiles.root().resolve("examples/firmware"))) {
      s.filter(p -> p.toString().endsWith(".json"))
          .sorted()
          .forEach(p -> fws.add(FirmwareLoader.load(p)));
    }
    assertTrue(fws.size() >= 4, "expected plain + the 3 example firmwares, found " + fws.size());
    return fws;
  }

  private static List<byte[]> captures(Path dir) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p :
          (Iterable<Path>) s.filter(x -> x.toString().contains(".pcap")).sorted()::iterator) {
        for (TestPcap.Frame f : TestPcap.read(p)) {
          if (f.linktype() == 1) {
            frames.add(f.data());
          }
        }
      }
    }
    return frames;
  }

  private static List<byte[]> repositoryFrames() throws IOException {
    List<byte[]> frames = captures(TestFiles.root().resolve("pcaps"));
    frames.addAll(SyntheticFrames.all());
    return frames;
  }

  /** Bit flips, byte overwrites, truncations and random bodies behind common EtherTypes. */
  static List<byte[]> fuzzed(List<byte[]> seeds, long seed, int n) {
    Random rnd = new Random(seed);
    int[] ethertypes = {0x0800, 0x86dd, 0x8100, 0x88a8, 0x8847, 0x0806, 0x88e5, 0x1234};
    List<byte[]> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      byte[] f;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          f = seeds.get(rnd.nextInt(seeds.size())).clone();
          for (int flips = 1 + rnd.nextInt(4); flips > 0 && f.length > 0; flips--) {
            int at = rnd.nextInt(Math.min(f.length, 120));
            f[at] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 1 -> {
          f = seeds.get(rnd.nextInt(seeds.size())).clone();
          for (int w = 1 + rnd.nextInt(3); w > 0 && f.length > 0; w--) {
            f[rnd.nextInt(Math.min(f.length, 80))] = (byte) rnd.nextInt(256);
          }
        }
        case 2 -> {
          byte[] s = seeds.get(rnd.nextInt(seeds.size()));
          f = java.util.Arrays.copyOf(s, rnd.nextInt(s.length + 1));
        }
        default -> {
          f = new byte[rnd.nextInt(200)];
          rnd.nextBytes(f);
          if (f.length >= 14) {
            int et = ethertypes[rnd.nextInt(ethertypes.length)];
            f[12] = (byte) (et >>> 8);
            f[13] = (byte) et;
            if (f.length > 14 && (et == 0x0800) && rnd.nextBoolean()) {
              f[14] = (byte) 0x45;
            }
          }
        }
      }
      out.add(f);
    }
    return out;
  }

  private static void assertEquivalent(Firmware fw, String what, List<byte[]> frames) {
    FirmwareEquivalence eq = new FirmwareEquivalence(fw);
    assertTrue(eq.compiled(), fw + " fell back to the interpreter: nothing compared");
    assertFalse(frames.isEmpty(), "no frames from " + what);
    for (int i = 0; i < frames.size(); i++) {
      byte[] f = frames.get(i);
      // At offset 0 and inside a larger array, as the replay's slots hold frames.
      String d = eq.check(f, 0, f.length);
      if (d == null) {
        byte[] shifted = new byte[f.length + 37];
        System.arraycopy(f, 0, shifted, 23, f.length);
        d = eq.check(shifted, 23, f.length);
      }
      if (d != null) {
        fail(fw + ", " + what + " frame " + i + " (" + f.length + " bytes):\n" + d);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> repositoryCapturesAndSyntheticStacks() throws IOException {
    List<byte[]> frames = repositoryFrames();
    return shippedFirmwares().stream()
        .map(
            fw ->
                DynamicTest.dynamicTest(
                    fw.name() + " " + fw.version() + ": " + frames.size() + " frames",
                    () -> assertEquivalent(fw, "pcaps/ + synthetic", frames)));
  }

  /**
   * Every RX fact a layout can report (the addresses are derived by each engine from the queue's
   * constants and the frame's slot and buffer, see RxFacts): mynic-v2 with its metadata's timestamp
   * and descriptor pointer followed by the others.
   */
  @org.junit.jupiter.api.Test
  void everyRxFactSource() throws IOException {
    String text = Files.readString(TestFiles.root().resolve("examples/firmware/mynic-v2.json"));
    String anchor =
        "{ \"name\": \"ptr_to_rx\", \"type\": \"ptr\", \"source\": \"rx_descriptor\" },";
    assertTrue(text.contains(anchor), "mynic-v2.json changed: update this test");
    String facts =
        anchor
            + "{ \"name\": \"buf\", \"type\": \"u64\", \"source\": \"buffer_address\" },"
            + "{ \"name\": \"dat\", \"type\": \"u64\", \"source\": \"data_address\" },"
            + "{ \"name\": \"hr\", \"type\": \"u16\", \"source\": \"headroom\" },"
            + "{ \"name\": \"q\", \"type\": \"u16\", \"source\": \"queue\" },"
            + "{ \"name\": \"slot\", \"type\": \"u32\", \"source\": \"ring_index\" },";
    Firmware fw = FirmwareLoader.parse(text.replace(anchor, facts), "mynic-v2+facts.json");
    assertEquivalent(fw, "pcaps/ + synthetic", repositoryFrames());
  }

  @TestFactory
  Stream<DynamicTest> sharedTcpdumpCaptures() throws IOException {
    Path dir = TestFiles.shared().resolve("pcaps/tcpdump");
    if (!Files.isDirectory(dir) && TestFiles.requireTools()) {
      fail("XDPEMU_REQUIRE_KERNEL=1 but no shared captures at " + dir);
    }
    Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: no shared captures at " + dir);
    List<byte[]> frames = captures(dir);
    return shippedFirmwares().stream()
        .map(
            fw ->
                DynamicTest.dynamicTest(
                    fw.name() + " " + fw.version() + ": " + frames.size() + " frames",
                    () -> assertEquivalent(fw, "../shared/pcaps/tcpdump", frames)));
  }

  @TestFactory
  Stream<DynamicTest> fuzzedFrames() throws IOException {
    List<byte[]> seeds = repositoryFrames();
    Path dir = TestFiles.shared().resolve("pcaps/tcpdump");
    if (Files.isDirectory(dir)) {
      seeds.addAll(captures(dir));
    }
    List<Firmware> fws = shippedFirmwares();
    List<DynamicTest> tests = new ArrayList<>();
    for (int k = 0; k < fws.size(); k++) {
      Firmware fw = fws.get(k);
      long seed = 1200 + k;
      tests.add(
          DynamicTest.dynamicTest(
              fw.name() + " " + fw.version() + ": " + FUZZED + " frames, seed " + seed,
              () -> assertEquivalent(fw, "fuzz seed " + seed, fuzzed(seeds, seed, FUZZED))));
    }
    return tests.stream();
  }
}
