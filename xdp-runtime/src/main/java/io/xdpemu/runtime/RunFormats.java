package io.xdpemu.runtime;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.runtime.report.ReportPage;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the outputs of a run need beyond the packets: the program's BTF (map keys and values by
 * field name in maps.json), the split BTF of each firmware the NIC runs (the metadata block in
 * packets.jsonl and packets.txt; a swap brings a second firmware), and for {@code --report} the
 * verifier's verdicts. Each may be absent.
 */
public final class RunFormats {
  private final BpfObject program;
  private final Function<Firmware, Btf> firmwareBtf;
  private final Map<Firmware, MetadataFormat> metadata = new IdentityHashMap<>();
  private boolean report;
  private java.util.function.Supplier<List<ReportPage.Verdict>> verdicts = List::of;

  /**
   * @param program the object (its BTF and global variables), or null
   * @param firmwareBtf a firmware's exported split BTF on the run's base, or null without firmware
   */
  public RunFormats(BpfObject program, Function<Firmware, Btf> firmwareBtf) {
    this.program = program;
    this.firmwareBtf = firmwareBtf;
  }

  /** The formats of the program and NIC {@code attach} runs with. */
  public static RunFormats of(Attach attach) {
    LoadPipeline.Loaded l = attach.loaded();
    RunFormats f =
        new RunFormats(
            l.object(),
            l.options().firmware() != null
                ? fw -> TargetBtf.firmwareLayout(fw, l.options().vmlinux())
                : null);
    f.verdicts =
        () -> {
          List<ReportPage.Verdict> v = new java.util.ArrayList<>();
          if (l.verdict() != null) {
            v.add(new ReportPage.Verdict("load", l.verdict()));
          }
          LoadPipeline.Loaded now = attach.loaded();
          if (now != l && now.verdict() != null) {
            v.add(new ReportPage.Verdict("after the firmware swap", now.verdict()));
          }
          return v;
        };
    return f;
  }

  /** Also write report.html. */
  public RunFormats withReport() {
    report = true;
    return this;
  }

  boolean report() {
    return report;
  }

  /** The verifier's verdicts on the program: at load, and after a swap relinked it. */
  List<ReportPage.Verdict> verdicts() {
    return verdicts.get();
  }

  public static final RunFormats NONE = new RunFormats(null, null);

  public BpfObject program() {
    return program;
  }

  /** The metadata format of {@code fw} (built once per firmware), or null. Output thread only. */
  MetadataFormat metadata(Firmware fw) {
    if (fw == null || firmwareBtf == null) {
      return null;
    }
    return metadata.computeIfAbsent(fw, f -> MetadataFormat.of(f, firmwareBtf.apply(f)));
  }
}
