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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code xdpemu firmware compile FW [--base FILE] --btf-out FILE [--header-out FILE]}: validates a
 * firmware file and writes its metadata and descriptor layouts as split BTF on the base (what a
 * driver would expose at /sys/kernel/btf/&lt;nic&gt;) and, optionally, a C header.
 */
final class FirmwareCommand implements Command {
  static final String USAGE =
      String.join(
          "\n",
          "usage: xdpemu firmware compile FW [--base FILE] --btf-out FILE [--header-out FILE]",
          "",
          "  FW                 firmware file (JSON with comments, see nic-model/FIRMWARE.md)",
          "  --base FILE        base BTF (default: /sys/kernel/btf/vmlinux if readable, else the"
              + " bundled base)",
          "  --btf-out FILE     write the layouts as split BTF on the base",
          "  --header-out FILE  write the layouts as a C header");

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new UsageException("firmware: missing subcommand\n" + USAGE);
    }
    if (args[0].equals("--help") || args[0].equals("-h")) {
      out.println(USAGE);
      return 0;
    }
    if (!args[0].equals("compile")) {
      throw new UsageException(
          "firmware: unknown subcommand '" + args[0] + "' (see xdpemu firmware --help)");
    }
    String fw = null;
    String base = null;
    String btfOut = null;
    String headerOut = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help":
        case "-h":
          out.println(USAGE);
          return 0;
        case "--base":
        case "--vmlinux":
          base = value(args, ++i, a);
          break;
        case "--btf-out":
          btfOut = value(args, ++i, a);
          break;
        case "--header-out":
          headerOut = value(args, ++i, a);
          break;
        case "--debug":
          break;
        default:
          if (a.startsWith("-") || fw != null) {
            throw new UsageException("firmware compile: unrecognized argument '" + a + "'");
          }
          fw = a;
      }
    }
    if (fw == null) {
      throw new UsageException("firmware compile: missing FW\n" + USAGE);
    }
    if (btfOut == null) {
      throw new UsageException("firmware compile: missing --btf-out FILE\n" + USAGE);
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

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new UsageException("firmware compile: " + flag + " needs a value");
    }
    return args[i];
  }
}
