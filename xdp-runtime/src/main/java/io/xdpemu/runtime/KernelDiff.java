package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfMerge;
import io.xdpemu.ebpf.btf.BtfWriter;
import io.xdpemu.ebpf.elf.BpfObjectReader;
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
 * after the run ({@code data_meta..data_end}) or, after it, any map differs.
 *
 * <p>Both sides see the same world: the oracle runs on {@link KernelOracle#CPU}, the CPU of the
 * emulator's test run, so per-CPU values are compared slot by slot; {@code --map-init} is applied
 * to both (the emulator's initialized entries are stored into the kernel's maps before the first
 * packet); options the kernel side cannot reproduce ({@code --fib}: the kernel uses the host's
 * routes; {@code --unprivileged}: the oracle loads as root) are refused. The kernel side pins into
 * a private directory (see the oracle), never the host's /sys/fs/bpf. A frame shorter than an
 * Ethernet header is reported as not comparable (BPF_PROG_TEST_RUN refuses it) and the rest of the
 * capture goes on; a packet that differs when the program reads the clock or random numbers is
 * reported as such, not counted as a mismatch.
 */
public final class KernelDiff {
  private KernelDiff() {}

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Outcome: packets read, packets that differ, packets skipped (too large for a test run or too
   * short to be one), packets that differ where the program reads time or random numbers.
   */
  public record Report(long packets, long mismatches, long skipped, long nondeterministic) {}

  public static Report run(LoadOptions o, List<Path> captures, PrintStream out) {
    refuseOneSidedOptions(o);
    List<Capture> caps = new ArrayList<>();
    for (Path p : captures) {
      caps.add(Capture.openAllowingRunts(p));
    }
    Btf target = TargetBtf.of(o);
    Path customBtf = null;
    Path tmp = null;
    try {
      if (o.firmware() != null || o.btf() != null) {
        // libbpf's btf_custom_path wants one standalone file: vmlinux and the NIC's types merged.
        tmp = Files.createTempFile("xdpemu-target", ".btf");
        Files.write(tmp, BtfWriter.write(BtfMerge.toStandalone(target)));
        customBtf = tmp;
      }
      String program = BpfObjectReader.read(o.object()).program(o.program()).name();
      try (KernelOracle kernel = KernelOracle.open(o.object(), program, customBtf)) {
        LoadPipeline.Loaded emu = LoadPipeline.load(o, kernel.possibleCpus(), target);
        if (o.mapInit() != null) {
          MapInitBothSides.apply(o.mapInit(), emu, kernel);
        }
        try (NicMetadata nic = o.firmware() == null ? null : NicMetadata.open(o.firmware())) {
          return compare(caps, emu, kernel, nic, out);
        }
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
      List<Capture> caps,
      LoadPipeline.Loaded emu,
      KernelOracle kernel,
      NicMetadata nic,
      PrintStream out) {
    TestRun.Session session = new TestRun.Session(emu);
    boolean hasMaps = !emu.maps().all().isEmpty();
    long index = 0;
    long mismatches = 0;
    long skipped = 0;
    long nondeterministic = 0;
    String clockOrRandom = NondeterministicHelpers.usedBy(emu.program().insns());
    byte[] none = new byte[0];
    for (Capture cap : caps) {
      CaptureCursor cur = cap.cursor();
      while (cur.next()) {
        long i = index++;
        if (EthernetFramer.isRunt(cur)) {
          skipped++;
          out.println(
              "packet "
                  + i
                  + ": not comparable: a "
                  + (cur.capturedLength() - cur.fcsLength())
                  + "-byte runt (BPF_PROG_TEST_RUN needs at least an Ethernet header, 14 bytes)");
          continue;
        }
        byte[] frame = new byte[EthernetFramer.frameLength(cur)];
        EthernetFramer.frame(cur, frame, 0);
        if (frame.length > TestRun.MAX_DATA) {
          skipped++;
          continue;
        }

        byte[] meta = none;
        if (nic != null) { // the firmware's metadata in front of the frame, on both sides
          NicMetadata.Received r = nic.receive(frame, cur.timestampNs());
          if (r == null) {
            skipped++;
            continue;
          }
          meta = r.meta();
          frame = r.data();
        }
        OracleResult k = kernel.run(meta, frame, 1);
        TestRun.Result e = session.run(meta, frame, 1);
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
        if (!why.isEmpty() && clockOrRandom != null) {
          nondeterministic++;
          out.println(
              "packet "
                  + i
                  + " ("
                  + PacketSummary.of(frame, 0, frame.length)
                  + "): differs where the program reads "
                  + clockOrRandom
                  + " (not a mismatch): "
                  + why.get(0).lines().findFirst().orElse(""));
        } else if (!why.isEmpty()) {
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
    return new Report(index, mismatches, skipped, nondeterministic);
  }

  /** Options whose effect the kernel side cannot have: refused rather than compared one-sided. */
  static void refuseOneSidedOptions(LoadOptions o) {
    if (o.fib() != null) {
      throw new UsageException(
          "diff: --fib cannot apply to the kernel side (bpf_fib_lookup there uses the host's"
              + " routes and neighbours); run without it");
    }
    if (o.unprivileged()) {
      throw new UsageException(
          "diff: --unprivileged cannot apply to the kernel side (the oracle loads as root, with"
              + " CAP_PERFMON); compare verdicts with 'xdpemu verify --unprivileged' instead");
    }
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
        mine.put(HEX.formatHex(e.key()), values(Arrays.asList(e.values())));
      }
      Map<String, String> theirs = new TreeMap<>();
      for (MapContents.Entry e : k.entries()) {
        theirs.put(e.keyHex(), values(e.values()));
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

  /** Values as hex; per-CPU values in CPU order (both sides run on the same CPU). */
  private static String values(List<byte[]> vs) {
    List<String> hex = new ArrayList<>();
    for (byte[] v : vs) {
      hex.add(HEX.formatHex(v));
    }
    return String.join(",", hex);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
