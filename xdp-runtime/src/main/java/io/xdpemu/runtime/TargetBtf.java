package io.xdpemu.runtime;

import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.nic.export.LayoutBtf;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.nio.file.Path;

/**
 * The one place that decides which BTF a program's CO-RE relocations are resolved against (libbpf's
 * "target BTF"), for every command:
 *
 * <ol>
 *   <li>{@code --btf FILE}: raw BTF or an ELF's .BTF, standalone (it replaces the kernel's, as
 *       libbpf's {@code btf_custom_path} does) or split on the base (what {@code
 *       /sys/kernel/btf/<module>} holds), told apart by {@link Btf#readStandaloneOrSplit};
 *   <li>with a NIC firmware: the split BTF the firmware exports for its metadata layout (what a
 *       driver would expose at {@code /sys/kernel/btf/<nic>}) on the base;
 *   <li>otherwise the base: {@code --vmlinux}, the host's {@code /sys/kernel/btf/vmlinux}, or the
 *       bundled one ({@link BaseBtf#load}).
 * </ol>
 *
 * {@link LoadPipeline} relocates against what it is given and never chooses.
 */
public final class TargetBtf {
  private TargetBtf() {}

  /** The target for a command without a running NIC: the {@code --firmware} file is read here. */
  public static Btf of(LoadOptions o) {
    return of(o, o.firmware() == null ? null : FirmwareLoader.load(o.firmware()));
  }

  /** The target with {@code firmware} on the NIC (null: no firmware). */
  public static Btf of(LoadOptions o, Firmware firmware) {
    if (o.btf() != null) {
      return Btf.readStandaloneOrSplit(o.btf(), base(o));
    }
    return firmware == null ? base(o) : firmwareLayout(firmware, o.vmlinux());
  }

  /** The kernel's BTF: {@code --vmlinux}, the host's, or the bundled one. */
  public static Btf base(LoadOptions o) {
    return BaseBtf.load(o.vmlinux());
  }

  /**
   * The split BTF {@code firmware} exports for its metadata layout, on the base of {@code vmlinux}
   * (null: the host's or the bundled one). Also what metadata is formatted with, whatever the
   * target.
   */
  public static Btf firmwareLayout(Firmware firmware, Path vmlinux) {
    return LayoutBtf.build(firmware, BaseBtf.load(vmlinux));
  }
}
