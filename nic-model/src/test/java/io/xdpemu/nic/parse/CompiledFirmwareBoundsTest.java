package io.xdpemu.nic.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.nic.FirmwareEngine;
import io.xdpemu.nic.FirmwareEquivalence;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.compile.FirmwareCompiler;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * The compiled firmware at the edges of what validation lets through: every frame cut at every
 * length (each header fitting exactly or one byte short, lookaheads ending at the last bit), header
 * type ids past 63 (beyond the seen-mask), 64-bit keys at unaligned offsets (nine-byte reads), the
 * deepest stack. And the generated methods stay under HotSpot's JIT size limit for every shipped
 * firmware, or the compiled form would run in the bytecode interpreter.
 */
class CompiledFirmwareBoundsTest {
  private static void equivalent(Firmware fw, List<byte[]> frames, String what) {
    FirmwareEquivalence eq = new FirmwareEquivalence(fw);
    assertTrue(eq.compiled(), fw + " was not compiled");
    for (int i = 0; i < frames.size(); i++) {
      byte[] f = frames.get(i);
      String d = eq.check(f, 0, f.length);
      if (d != null) {
        fail(fw + ", " + what + " frame " + i + " (" + f.length + " bytes):\n" + d);
      }
    }
  }

  /** 4000 frames of 1 to {@code maxLen} bytes, each byte below {@code bound}. */
  private static List<byte[]> randomFrames(long seed, int maxLen, int bound) {
    Random rnd = new Random(seed);
    List<byte[]> frames = new ArrayList<>();
    for (int k = 0; k < 4000; k++) {
      byte[] f = new byte[1 + rnd.nextInt(maxLen)];
      for (int i = 0; i < f.length; i++) {
        f[i] = (byte) rnd.nextInt(bound);
      }
      frames.add(f);
    }
    return frames;
  }

  private static List<byte[]> everyPrefix(List<byte[]> frames, int maxLen) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] f : frames) {
      for (int len = 0; len <= Math.min(f.length, maxLen); len++) {
        out.add(java.util.Arrays.copyOf(f, len));
      }
    }
    return out;
  }

  @Test
  void everyFrameCutAtEveryLengthOnEveryShippedFirmware() throws Exception {
    List<byte[]> cuts = everyPrefix(SyntheticFrames.withCaptures(10), 160);
    for (Firmware fw : CompiledFirmwareEquivalenceTest.shippedFirmwares()) {
      equivalent(fw, cuts, "prefix");
    }
  }

  /**
   * 72 header types of one byte (ids 64..71 fall outside the seen-mask), every state jumping on its
   * byte through one table (so states repeat, past max_repeat), a 64-bit lookahead at bit 4 (a
   * nine-byte read), a 64-bit key of a 9-byte header at bit 3, ptype rules and an exact rule naming
   * ids past 63, max_depth 64.
   */
  static String wideFirmware(boolean fullTables) {
    StringBuilder h = new StringBuilder();
    StringBuilder states = new StringBuilder();
    StringBuilder table = new StringBuilder();
    for (int i = 0; i < 72; i++) {
      h.append(String.format("\"h%d\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } },%n", i));
      table.append(String.format("{ \"value\": %d, \"next\": \"s%d\" }, ", i, i));
      if (i > 0) {
        String rows =
            fullTables
                ? "\"@s0\""
                : String.format(
                    "[ { \"value\": %d, \"next\": \"s%d\" }, { \"value\": %d, \"next\": \"s%d\" },"
                        + " { \"value\": 65, \"next\": \"s65\" }, { \"value\": 254, \"next\": \"look\" },"
                        + " { \"default\": \"accept\" } ]",
                    (i + 1) % 72, (i + 1) % 72, i, i);
        states.append(
            String.format(
                "\"s%d\": { \"extract\": \"h%d\", \"select\": [\"h%d.v\"], \"transitions\": %s },%n",
                i, i, i, rows));
      }
    }
    return "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"wide\", \"mode\": \"kernel\",\n"
        + "\"limits\": { \"max_depth\": 64 },\n"
        + "\"header_types\": {\n"
        + h
        + "\"big\": { \"length\": 9, \"fields\": { \"k\": [3, 64], \"tail\": [67, 5] } } },\n"
        + "\"parser\": { \"start\": \"s0\", \"states\": {\n"
        + "\"s0\": { \"extract\": \"h0\", \"select\": [\"h0.v\"], \"transitions\": [ "
        + table
        + "{ \"value\": 254, \"next\": \"look\" }, { \"default\": \"accept\" } ] },\n"
        + states
        + "\"look\": { \"select\": [{ \"lookahead\": [4, 64] }], \"transitions\": [\n"
        + "  { \"value\": \"0xffffffffffffffff\", \"next\": \"big\" },\n"
        + "  { \"value\": 0, \"mask\": \"0x8000000000000000\", \"next\": \"s65\" },\n"
        + "  { \"default\": \"big\" } ] },\n"
        + "\"big\": { \"extract\": \"big\", \"select\": [\"big.k\", \"h70.v\"], \"transitions\": [\n"
        + "  { \"value\": [\"0x8000000000000001\", 0], \"mask\": [\"0xc000000000000001\", 0], \"next\": \"s70\" },\n"
        + "  { \"default\": \"accept\" } ] } } },\n"
        + "\"ptypes\": { \"rules\": [\n"
        + "  { \"name\": \"deep\", \"match\": [\"h0\", \"h65\", \"h71\"], \"ptype\": 7 },\n"
        + "  { \"name\": \"only\", \"match\": [\"h0\", \"h66\"], \"exact\": true, \"ptype\": 8 },\n"
        + "  { \"name\": \"high\", \"match\": [\"h64\", \"big\"], \"ptype\": \"0xffffffff\" } ] }\n"
        + "}";
  }

  @Test
  void headerIdsPastTheSeenMaskSixtyFourBitKeysAndTheDeepestStack() {
    Firmware fw = FirmwareLoader.parse(wideFirmware(false), "wide.json");
    List<byte[]> frames = wideFrames();
    equivalent(fw, frames, "wide random");
    equivalent(fw, everyPrefix(frames.subList(0, 200), 90), "wide prefix");
  }

  /** Byte chains the wide firmware follows (next id, same id, the jumps), with random breaks. */
  private static List<byte[]> wideFrames() {
    Random rnd = new Random(6464);
    List<byte[]> frames = new ArrayList<>();
    // h0 h65..h71 h0: rule "deep" by ids past 63 only (h1 absent), then truncated
    frames.add(new byte[] {65, 66, 67, 68, 69, 70, 71, 0, 1});
    for (int k = 0; k < 4000; k++) {
      byte[] f = new byte[1 + rnd.nextInt(90)];
      int prev = rnd.nextInt(72);
      for (int i = 0; i < f.length; i++) {
        int r = rnd.nextInt(20);
        int b =
            r < 12
                ? (prev + 1) % 72
                : r < 14 ? prev : r == 14 ? 254 : r == 15 ? 65 : r == 16 ? 255 : rnd.nextInt(256);
        f[i] = (byte) b;
        prev = b & 0xff;
      }
      frames.add(f);
    }
    return frames;
  }

  /**
   * Packet-type rules of one or two headers, decided in steer from stack indices (first A before
   * last B): stacks that revisit header types, in and out of a tunnel level, where the first and
   * the last instance differ - [A, B] with a B before the first A and another after it, [A, A].
   */
  @Test
  void twoHeaderPacketTypesOnStacksThatRevisitHeaders() {
    StringBuilder h = new StringBuilder();
    StringBuilder states = new StringBuilder();
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      rows.append(String.format("{ \"value\": %d, \"next\": \"s%d\" }, ", i, i));
    }
    for (int i = 0; i < 6; i++) {
      h.append(
          String.format(
              "\"h%d\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } }%s%n",
              i, i < 5 ? "," : ""));
      states.append(
          String.format(
              "\"s%d\": { \"extract\": \"h%d\",%s \"select\": [\"h%d.v\"], \"transitions\": [ %s{ \"default\": \"accept\" } ] }%s%n",
              i, i, i == 3 ? " \"enter_inner\": true," : "", i, rows, i < 5 ? "," : ""));
    }
    String json =
        "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"revisit\", \"mode\": \"kernel\",\n"
            + "\"limits\": { \"max_depth\": 32 },\n"
            + "\"header_types\": {\n"
            + h
            + "},\n\"parser\": { \"start\": \"s0\", \"states\": {\n"
            + states
            + "} },\n\"ptypes\": { \"rules\": [\n"
            + "  { \"name\": \"ab\", \"match\": [\"h1\", \"h2\"], \"ptype\": 1 },\n"
            + "  { \"name\": \"ba\", \"match\": [\"h2\", \"h1\"], \"ptype\": 2 },\n"
            + "  { \"name\": \"aa\", \"match\": [\"h4\", \"h4\"], \"ptype\": 3 },\n"
            + "  { \"name\": \"tunnel\", \"match\": [\"h3\"], \"ptype\": 4 },\n"
            + "  { \"name\": \"wrap\", \"match\": [\"h5\", \"h0\"], \"ptype\": 5 } ] }\n"
            + "}";
    Firmware fw = FirmwareLoader.parse(json, "revisit.json");
    List<byte[]> frames = randomFrames(1212, 12, 7); // byte 6: accept
    frames.add(0, new byte[] {2, 1, 2, 6}); // h0 h2 h1 h2: "ab" only through the last h2
    equivalent(fw, frames, "revisit random");
  }

  /**
   * A select on a header the state does not extract reads the latest instance of it, wherever it
   * came from: here inner states key on the outer h0 (passed into the generated steerInner, which
   * once read it as absent, 0) and on h3 before and after an instance of it exists.
   */
  @Test
  void keysOnHeadersOfEarlierStatesAndOuterLevels() {
    String json =
        "{ \"format\": \"xdpemu-nicfw/1\", \"name\": \"crosskey\", \"mode\": \"kernel\",\n"
            + "\"limits\": { \"max_depth\": 16 },\n"
            + "\"header_types\": {\n"
            + "  \"h0\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } },\n"
            + "  \"h1\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } },\n"
            + "  \"h2\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } },\n"
            + "  \"h3\": { \"length\": 1, \"fields\": { \"v\": [0, 8] } } },\n"
            + "\"parser\": { \"start\": \"s0\", \"states\": {\n"
            + "  \"s0\": { \"extract\": \"h0\", \"select\": [\"h0.v\"], \"transitions\": [\n"
            + "    { \"values\": [0, 2], \"next\": \"s1\" }, { \"value\": 1, \"next\": \"s2\" },"
            + " { \"default\": \"accept\" } ] },\n"
            + "  \"s1\": { \"extract\": \"h1\", \"enter_inner\": true, \"next\": \"s2\" },\n"
            + "  \"s2\": { \"extract\": \"h2\", \"select\": [\"h0.v\", \"h3.v\"], \"transitions\": [\n"
            + "    { \"value\": [0, 0], \"next\": \"s3\" }, { \"value\": [1, 3], \"next\": \"s3\" },"
            + " { \"default\": \"accept\" } ] },\n"
            + "  \"s3\": { \"extract\": \"h3\", \"select\": [\"h0.v\", \"h2.v\"], \"transitions\": [\n"
            + "    { \"value\": [\"*\", 1], \"next\": \"s2\" }, { \"default\": \"accept\" } ] } } }\n"
            + "}";
    Firmware fw = FirmwareLoader.parse(json, "crosskey.json");
    List<byte[]> frames = randomFrames(77, 10, 4);
    frames.add(0, new byte[] {2, 0, 0, 0}); // through the tunnel with h0.v = 2: no h3
    equivalent(fw, frames, "cross-key random");
  }

  /** Too big for the JVM's 64 KB method limit: the NIC keeps the interpreter, frames still flow. */
  @Test
  void aFirmwareTooLargeToCompileRunsInterpreted() {
    Firmware fw = FirmwareLoader.parse(wideFirmware(true), "huge.json");
    assertFalse(new FirmwareEquivalence(fw).compiled());
    try (Nic nic = Nic.create(fw, NicConfig.defaults(), FirmwareEngine.COMPILED)) {
      for (byte[] f : wideFrames().subList(0, 500)) {
        nic.queue(nic.steer(f, 0, f.length)).receive(f, 0, f.length, 0, null);
      }
      assertTrue(nic.queue(0).received() > 0);
    }
  }

  /**
   * HotSpot does not JIT-compile a method of more than 8000 bytes of bytecode (HugeMethodLimit).
   */
  @Test
  void generatedMethodsStayUnderTheJitSizeLimitForEveryShippedFirmware() throws Exception {
    for (Firmware fw : CompiledFirmwareEquivalenceTest.shippedFirmwares()) {
      byte[] cls =
          FirmwareCompiler.classFile(fw, "io/xdpemu/nic/Test", "io/xdpemu/nic/CompiledFirmware");
      for (var e : MethodSizes.of(new ClassReader(cls)).entrySet()) {
        assertTrue(
            e.getValue() <= 8000, fw + ": " + e.getKey() + " has " + e.getValue() + " bytes");
      }
    }
  }
}
