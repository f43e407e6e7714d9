package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfMerge;
import io.xdpemu.ebpf.btf.BtfWriter;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.oracle.KernelOracle;
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
 *
 * <p>A map declared with {@code max_entries 0} is sized by the tool that ships it (xdp-tools'
 * xdp-bench and xdp-trafficgen call bpf_map__set_max_entries at load time); both sides give it
 * {@link #USER_SIZED_ENTRIES} entries. Maps are compared by what changed since creation ({@link
 * DiffMaps}), so a 33.5M-element array costs seconds, not minutes.
 *
 * <p>Two more kinds of difference are not mismatches: where the verifier found that the program may
 * read stack bytes no path wrote ({@code readsUninitStack}; allowed for root), the kernel reads
 * whatever its stack held and the result is undefined ("undefined (uninitialized stack)"); where
 * the verifier found that the program turns an address into data ({@code leaksAddress}; allowed for
 * root: a byte swap of the packet pointer, a pointer stored into a map), the result depends on
 * where each side placed its memory and the packet is not comparable; and where, during that
 * packet, {@code bpf_probe_read_kernel} read memory xdpemu does not model (a canonical kernel
 * address, or past the end of the region a pointer came from), the packet is not comparable. A
 * probe read of the program's own stack, packet or map value, or one refused with -ERANGE (user or
 * non-canonical address), is compared like anything else. Once such a difference reached the maps,
 * later packets' differences are attributed to it.
 */
public final class KernelDiff {
  private KernelDiff() {}

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Entries of a map declared with {@code max_entries 0}, on both sides: room for xdp-tools'
   * per-CPU counters (possible CPUs squared, or XDP_ACTION_MAX or XDP_REDIRECT_ERR_MAX times the
   * CPUs) on hosts of up to 32 CPUs. A program that indexes past it gets NULL on both sides alike.
   */
  public static final int USER_SIZED_ENTRIES = 1024;

  /**
   * Outcome: packets read, packets that differ (plus one when the maps differ after the last packet
   * only), packets skipped (too large for a test run or too short to be one), packets that differ
   * where the program reads time, random numbers or memory xdpemu does not model, packets that
   * differ where the program reads uninitialized stack.
   */
  public record Report(
      long packets,
      long mismatches,
      long skipped,
      long nondeterministic,
      long undefined,
      long addressDependent) {}

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
      try (KernelOracle kernel =
          KernelOracle.open(o.object(), program, customBtf, USER_SIZED_ENTRIES)) {
        LoadPipeline.Loaded emu =
            LoadPipeline.load(o, kernel.possibleCpus(), target, USER_SIZED_ENTRIES);
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
    DiffMaps maps = emu.maps().all().isEmpty() ? null : new DiffMaps(emu, kernel);
    if (maps != null && !maps.notCompared().isEmpty()) {
      out.println("maps not compared: " + String.join(", ", maps.notCompared()));
    }
    long index = 0;
    long mismatches = 0;
    long skipped = 0;
    long nondeterministic = 0;
    long undefined = 0;
    long addressDependent = 0;
    String clockOrRandom = NondeterministicHelpers.usedBy(emu.program().insns());
    String uninitStack = emu.verdict() == null ? null : insns(emu.verdict().readsUninitStack());
    String addressLeak = emu.verdict() == null ? null : insns(emu.verdict().leaksAddress());
    String taint = null; // why the maps already differ, when a classified difference reached them
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
        long hostReadsBefore = session.hostDependentReads();
        OracleResult k = kernel.run(meta, frame, 1);
        TestRun.Result e = session.run(meta, frame, 1);
        boolean hostMemory = session.hostDependentReads() != hostReadsBefore;
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
        String mapDiff = maps == null ? null : maps.afterPacket();
        if (mapDiff != null) {
          why.add(mapDiff);
        }
        if (why.isEmpty()) {
          continue;
        }
        String summary = PacketSummary.of(frame, 0, frame.length);
        String head = "packet " + i + " (" + summary + "): ";
        String first = why.get(0).lines().findFirst().orElse("");
        String reason = null;
        if (uninitStack != null) {
          undefined++;
          reason = "undefined (uninitialized stack)";
          out.println(
              head
                  + "undefined (uninitialized stack): the program may read stack it never wrote ("
                  + uninitStack
                  + "), which the kernel fills with leftover bytes and xdpemu with zeros: "
                  + first);
        } else if (addressLeak != null) {
          addressDependent++;
          reason = "not comparable (an address turned into data)";
          out.println(
              head
                  + "not comparable: the program turns an address into data ("
                  + addressLeak
                  + "), and the kernel's packet, stack and map addresses are not xdpemu's: "
                  + first);
        } else if (hostMemory) {
          nondeterministic++;
          reason = "not comparable (bpf_probe_read_kernel of memory xdpemu does not model)";
          out.println(
              head
                  + "not comparable: bpf_probe_read_kernel read memory xdpemu does not model"
                  + " (a kernel address, or past a region's end), not a mismatch: "
                  + first);
        } else if (clockOrRandom != null) {
          nondeterministic++;
          reason = "time or random numbers";
          out.println(
              head
                  + "differs where the program reads "
                  + clockOrRandom
                  + " (not a mismatch): "
                  + first);
        } else if (taint != null && why.size() == 1 && mapDiff != null) {
          nondeterministic++;
          out.println(head + "maps differ since " + taint + ": " + first);
        } else {
          mismatches++;
          out.println(head.stripTrailing());
          for (String w : why) {
            out.println("  " + w);
          }
          if (mismatches == 1) {
            out.println("    input  " + HEX.formatHex(frame));
          }
        }
        if (reason != null && mapDiff != null && taint == null) {
          taint = "packet " + i + " (" + reason + ")";
        }
      }
    }
    String atEnd = maps == null ? null : maps.atEnd();
    if (atEnd != null) {
      if (taint != null) {
        out.println("after the last packet: maps differ since " + taint + ": " + atEnd);
      } else {
        mismatches++;
        out.println("after the last packet:\n  " + atEnd);
      }
    }
    return new Report(index, mismatches, skipped, nondeterministic, undefined, addressDependent);
  }

  /**
   * The instructions a per-instruction verifier fact flags ("insn 3, insn 7"), or null when none is
   * (or the fact is absent: --no-verify knows nothing).
   */
  static String insns(boolean[] flagged) {
    if (flagged == null) {
      return null;
    }
    List<String> at = new ArrayList<>();
    for (int pc = 0; pc < flagged.length; pc++) {
      if (flagged[pc]) {
        at.add("insn " + pc);
      }
    }
    return at.isEmpty() ? null : String.join(", ", at);
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

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
