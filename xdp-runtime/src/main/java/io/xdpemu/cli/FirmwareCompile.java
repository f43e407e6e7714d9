package io.xdpemu.cli;

import io.xdpemu.ebpf.IoReasons;
import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.BaseBtf;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.nic.export.LayoutBtf;
import io.xdpemu.nic.export.LayoutHeader;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import io.xdpemu.runtime.OutputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu firmware compile FW [--base FILE] --btf-out FILE [--header-out FILE]}: validates a
 * firmware file and writes its metadata and descriptor layouts as split BTF on the base (what a
 * driver would expose at /sys/kernel/btf/&lt;nic&gt;) and, optionally, a C header.
 */
@Command(
    name = "compile",
    description = "Validate a firmware file and export its layouts as split BTF and a C header.")
final class FirmwareCompile extends Subcommand {
  @Parameters(
      paramLabel = "FW",
      description = "firmware file (JSON with comments, see nic-model/FIRMWARE.md)")
  String fw;

  @Option(
      names = {"--base", "--vmlinux"},
      paramLabel = "FILE",
      description =
          "base BTF (default: /sys/kernel/btf/vmlinux if readable, else the bundled base)")
  String base;

  @Option(
      names = "--btf-out",
      paramLabel = "FILE",
      description = "write the layouts as split BTF on the base")
  String btfOut;

  @Option(
      names = "--header-out",
      paramLabel = "FILE",
      description = "write the layouts as a C header")
  String headerOut;

  @Override
  public Integer call() {
    if (btfOut == null) {
      throw new UsageException(
          "firmware compile: missing --btf-out FILE (see xdpemu firmware compile --help)");
    }
    Path fwPath = Path.of(fw);
    if (!Files.isReadable(fwPath)) {
      throw new UsageException("cannot read " + fw + ": no such file or not readable");
    }
    if (base != null && !Files.isReadable(Path.of(base))) {
      throw new UsageException("cannot read " + base + ": no such file or not readable");
    }
    Firmware firmware = FirmwareLoader.load(fwPath);
    Btf baseBtf = BaseBtf.load(base == null ? null : Path.of(base));
    // Both outputs or neither: a failed --header-out must not leave a fresh --btf-out behind.
    try (OutputFiles outputs = new OutputFiles()) {
      write(outputs, Path.of(btfOut), LayoutBtf.export(firmware, baseBtf));
      if (headerOut != null) {
        write(
            outputs,
            Path.of(headerOut),
            LayoutHeader.generate(firmware).getBytes(StandardCharsets.UTF_8));
      }
      outputs.commit();
    }
    out.println(
        firmware.name()
            + " "
            + firmware.version()
            + ": metadata "
            + (firmware.metadata() == null
                ? "none (kernel mode)"
                : "struct "
                    + firmware.metadata().structName()
                    + " ("
                    + firmware.metadataSize()
                    + " bytes)")
            + ", descriptor struct "
            + firmware.descriptor().structName()
            + " ("
            + firmware.descriptor().size()
            + " bytes) -> "
            + btfOut
            + (headerOut == null ? "" : ", " + headerOut));
    return 0;
  }

  private static void write(OutputFiles outputs, Path file, byte[] bytes) {
    Path parent = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      throw new UsageException("cannot write " + file + ": is a directory");
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UsageException("cannot write " + file + ": no such directory " + parent);
    }
    try {
      Files.write(outputs.temp(file), bytes);
    } catch (IOException e) {
      throw new UsageException("cannot write " + file + ": " + IoReasons.of(e));
    }
  }
}
