package io.xdpemu.runtime;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfMerge;
import io.xdpemu.ebpf.btf.BtfWriter;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.oracle.KernelOracle;
import io.xdpemu.oracle.MapContents;
import io.xdpemu.oracle.OracleResult;
import io.xdpemu.pcap.Capture;
import io.xdpemu.pcap.CaptureCursor;
import io.xdpemu.pcap.EthernetFramer;
import io.xdpemu.pcap.PacketSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code xdpemu diff}: every packet of the captures through the emulator and through the running
 * kernel ({@code BPF_PROG_TEST_RUN} via {@link KernelOracle}), one program instance on each side so
 * map state accumulates on both as packets go by. A packet differs when the return value, the bytes
 * after the run ({@code data_meta..data_end}) or, after it, any map differs. Per-CPU map values are
 * compared as a multiset: the kernel runs the test on whichever CPU the oracle process is scheduled
 * on, the emulator on CPU 0.
 */
public final class KernelDiff {
  private KernelDiff() {}

  private static final HexFormat HEX = HexFormat.of();

  /** Outcome: packets compared, packets that differ, packets skipped (too large for a test run). */
  public record Report(long packets, long mismatches, long skipped) {}

  public static Report run(LoadOptions o, List<Path> captures, PrintStream out) {
    List<Capture> caps = new ArrayList<>();
    for (Path p : captures) {
      caps.add(Capture.open(p));
    }
    Btf fwBtf = Attach.firmwareBtfFor(o);
    Path customBtf = null;
    Path tmp = null;
    try {
      if (fwBtf != null || o.btf() != null) {
        // libbpf's btf_custom_path wants one standalone file: vmlinux and the NIC's types merged.
        Btf target = LoadPipeline.targetBtf(o, fwBtf);
        tmp = Files.createTempFile("xdpemu-target", ".btf");
        Files.write(tmp, BtfWriter.write(BtfMerge.toStandalone(target)));
        customBtf = tmp;
      }
      String program = LoadPipeline.relocate(o, fwBtf).spec().name();
      try (KernelOracle kernel = KernelOracle.open(o.object(), program, customBtf)) {
        LoadPipeline.Loaded emu = LoadPipeline.load(o, kernel.possibleCpus(), fwBtf);
        return compare(caps, emu, kernel, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }

  private static Report compare(
      List<Capture> caps, LoadPipeline.Loaded emu, KernelOracle kernel, PrintStream out) {
    TestRun.Session session = new TestRun.Session(emu);
    boolean hasMaps = !emu.maps().all().isEmpty();
    long index = 0;
    long mismatches = 0;
    long skipped = 0;
    byte[] none = new byte[0];
    for (Capture cap : caps) {
      CaptureCursor cur = cap.cursor();
      while (cur.next()) {
        byte[] frame = new byte[EthernetFramer.frameLength(cur)];
        EthernetFramer.frame(cur, frame, 0);
        long i = index++;
        if (frame.length > TestRun.MAX_DATA) {
          skipped++;
          continue;
        }
        OracleResult k = kernel.run(none, frame, 1);
        TestRun.Result e = session.run(none, frame, 1);
        List<String> why = new ArrayList<>();
        if ((k.retval() & 0xffffffffL) != e.retval()) {
          why.add(
              "action: kernel "
                  + action(k.retval() & 0xffffffffL)
                  + ", xdpemu "
                  + action(e.retval()));
        }
        byte[] kOut = concat(k.metaOut(), k.dataOut());
        byte[] eOut = concat(e.metaOut(), e.dataOut());
        if (!Arrays.equals(kOut, eOut)) {
          why.add(
              "output bytes differ\n    kernel "
                  + HEX.formatHex(kOut)
                  + "\n    xdpemu "
                  + HEX.formatHex(eOut));
        }
        if (hasMaps) {
          String m = mapDifference(kernel.maps(), emu);
          if (m != null) {
            why.add(m);
          }
        }
        if (!why.isEmpty()) {
          mismatches++;
          out.println("packet " + i + " (" + PacketSummary.of(frame, 0, frame.length) + "):");
          for (String w : why) {
            out.println("  " + w);
          }
          if (mismatches == 1) {
            out.println("    input  " + HEX.formatHex(frame));
          }
        }
      }
    }
    return new Report(index, mismatches, skipped);
  }

  private static String action(long r) {
    return r <= XdpAction.REDIRECT ? XdpAction.name((int) r) + " (" + r + ")" : Long.toString(r);
  }

  /** The first map whose content differs, described, or null when all agree. */
  static String mapDifference(Map<String, MapContents> kernel, LoadPipeline.Loaded emu) {
    for (BpfMap m : emu.maps().all()) {
      MapContents k = kernel.get(m.name());
      if (k == null) {
        continue; // a map the kernel does not expose by this name (e.g. .rodata frozen away)
      }
      Map<String, String> mine = new TreeMap<>();
      for (BpfMap.Entry e : m.entries()) {
        mine.put(HEX.formatHex(e.key()), values(Arrays.asList(e.values()), m.perCpu()));
      }
      Map<String, String> theirs = new TreeMap<>();
      for (MapContents.Entry e : k.entries()) {
        theirs.put(e.keyHex(), values(e.values(), k.perCpu()));
      }
      if (!mine.equals(theirs)) {
        for (String key : theirs.keySet()) {
          if (!theirs.get(key).equals(mine.get(key))) {
            return "map '"
                + m.name()
                + "' key "
                + key
                + ": kernel "
                + theirs.get(key)
                + ", xdpemu "
                + mine.getOrDefault(key, "(absent)");
          }
        }
        for (String key : mine.keySet()) {
          if (!theirs.containsKey(key)) {
            return "map '"
                + m.name()
                + "' key "
                + key
                + ": kernel (absent), xdpemu "
                + mine.get(key);
          }
        }
      }
    }
    return null;
  }

  private static String values(List<byte[]> vs, boolean perCpu) {
    List<String> hex = new ArrayList<>();
    for (byte[] v : vs) {
      hex.add(HEX.formatHex(v));
    }
    if (perCpu) {
      hex.sort(null);
    }
    return String.join(",", hex);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
