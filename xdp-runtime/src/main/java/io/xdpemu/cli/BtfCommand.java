package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfCDump;
import io.xdpemu.ebpf.btf.BtfRawDump;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code xdpemu btf dump FILE [--base FILE] [--format raw|c]}: bpftool's {@code btf dump file}
 * ({@code -B BASE} for split BTF). FILE is raw BTF or an ELF object with a .BTF section. As in
 * bpftool, a file under /sys/kernel/btf/ other than vmlinux is split on the host vmlinux.
 */
final class BtfCommand implements Command {
  static final String USAGE =
      String.join(
          "\n",
          "usage: xdpemu btf dump FILE [--base FILE] [--format raw|c]",
          "",
          "  FILE           raw BTF (e.g. /sys/kernel/btf/vmlinux) or an ELF object with .BTF",
          "  --base FILE    FILE is split BTF on top of this base (bpftool -B)",
          "  --format raw   bpftool's raw listing (default); 'c' prints compilable C");

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      throw new UsageException("btf: missing subcommand\n" + USAGE);
    }
    if (args[0].equals("--help") || args[0].equals("-h")) {
      out.println(USAGE);
      return 0;
    }
    if (!args[0].equals("dump")) {
      throw new UsageException("btf: unknown subcommand '" + args[0] + "' (see xdpemu btf --help)");
    }
    String file = null;
    String basePath = null;
    String format = "raw";
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help":
        case "-h":
          out.println(USAGE);
          return 0;
        case "--base":
        case "-B":
          basePath = value(args, ++i, a);
          break;
        case "--format":
          format = value(args, ++i, a);
          if (!format.equals("raw") && !format.equals("c")) {
            throw new UsageException(
                "btf dump: unrecognized format '" + format + "', possible values: raw, c");
          }
          break;
        case "--debug":
          break;
        default:
          if (a.startsWith("-") || file != null) {
            throw new UsageException("btf dump: unrecognized argument '" + a + "'");
          }
          file = a;
      }
    }
    if (file == null) {
      throw new UsageException("btf dump: missing FILE\n" + USAGE);
    }
    Btf base = null;
    if (basePath != null) {
      base = Btf.read(readable(basePath));
    } else if (file.startsWith("/sys/kernel/btf/") && !file.equals("/sys/kernel/btf/vmlinux")) {
      base = Btf.read(readable("/sys/kernel/btf/vmlinux"));
    }
    Btf btf = Btf.read(readable(file), base);
    String text = format.equals("c") ? BtfCDump.dumpHeader(btf) : BtfRawDump.dump(btf);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    out.flush();
    return 0;
  }

  private static Path readable(String name) {
    Path p = Path.of(name);
    if (!Files.isReadable(p)) {
      throw new UsageException("cannot read " + name + ": no such file or not readable");
    }
    return p;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new UsageException("btf dump: " + flag + " needs a value");
    }
    return args[i];
  }
}
