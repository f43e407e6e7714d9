package io.xdpemu.runtime.gen;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.nic.FirmwareEquivalence;
import io.xdpemu.nic.PlainFirmware;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The compiled firmware equals the interpreter on the project's generated traffic ({@code xdpemu
 * gen-pcap}'s generator, every profile, fixed seeds), for every shipped firmware: the examples' and
 * the bundled plain one. Captures, synthetic stacks and fuzzed frames are checked in nic-model
 * ({@code CompiledFirmwareEquivalenceTest}).
 */
class CompiledFirmwareTrafficTest {
  static final int FRAMES_PER_PROFILE = 5000;

  private static Path root() {
    String p = System.getProperty("xdpemu.root");
    return p != null ? Paths.get(p) : Paths.get("..").toAbsolutePath().normalize();
  }

  private static List<Firmware> shippedFirmwares() throws IOException {
    List<Firmware> fws = new ArrayList<>();
    fws.add(PlainFirmware.get());
    try (Stream<Path> s = Files.list(root().resolve("examples/firmware"))) {
      s.filter(p -> p.toString().endsWith(".json"))
          .sorted()
          .forEach(p -> fws.add(FirmwareLoader.load(p)));
    }
    assertTrue(fws.size() >= 4, "expected plain + the 3 example firmwares, found " + fws.size());
    return fws;
  }

  @TestFactory
  Stream<DynamicTest> generatedTrafficOfEveryProfile() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Firmware fw : shippedFirmwares()) {
      for (String profile : TrafficGenerator.profiles()) {
        long seed = 12;
        tests.add(
            DynamicTest.dynamicTest(
                fw.name() + " " + fw.version() + ", " + profile + ": " + FRAMES_PER_PROFILE,
                () -> {
                  FirmwareEquivalence eq = new FirmwareEquivalence(fw);
                  assertTrue(eq.compiled(), fw + " fell back to the interpreter");
                  TrafficGenerator gen = new TrafficGenerator(profile, seed);
                  for (int i = 0; i < FRAMES_PER_PROFILE; i++) {
                    FrameBuilder f = gen.next();
                    String d = eq.check(f.buffer(), 0, f.length());
                    if (d != null) {
                      fail(
                          fw
                              + ", gen-pcap "
                              + profile
                              + " seed "
                              + seed
                              + " frame "
                              + i
                              + ":\n"
                              + d);
                    }
                  }
                }));
      }
    }
    return tests.stream();
  }
}
