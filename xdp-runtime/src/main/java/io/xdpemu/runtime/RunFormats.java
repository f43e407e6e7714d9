package io.xdpemu.runtime;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.nic.firmware.Firmware;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the outputs of a run need to show values by field name: the program's BTF (map keys and
 * values in maps.json) and the split BTF of each firmware the NIC runs (the metadata block in
 * packets.jsonl and packets.txt; a swap brings a second firmware). Either may be absent.
 */
public final class RunFormats {
  private final BpfObject program;
  private final Function<Firmware, Btf> firmwareBtf;
  private final Map<Firmware, MetadataFormat> metadata = new IdentityHashMap<>();

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
    return new RunFormats(
        l.object(),
        attach.nic() instanceof NicRxPath ? fw -> Attach.firmwareBtf(fw, l.options()) : null);
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
