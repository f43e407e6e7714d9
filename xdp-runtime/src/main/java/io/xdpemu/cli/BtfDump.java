package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfCDump;
import io.xdpemu.ebpf.btf.BtfRawDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu btf dump FILE [--base FILE] [--format raw|c]}, and bpftool's own syntax {@code btf
 * dump file FILE [format raw|c]}: the raw listing or compilable C. FILE is raw BTF or an ELF object
 * with a .BTF section. As in bpftool, a file under /sys/kernel/btf/ other than vmlinux is split on
 * the host vmlinux.
 */
@Command(
    name = "dump",
    description = "Like bpftool btf dump file FILE [format c]: the raw listing or compilable C.",
    customSynopsis = {
      "xdpemu btf dump FILE [--base FILE] [--format raw|c]",
      "       xdpemu btf dump file FILE [format raw|c]   (bpftool's syntax)"
    })
final class BtfDump extends Subcommand {
  @Parameters(
      paramLabel = "FILE",
      arity = "1..4",
      description = "raw BTF (e.g. /sys/kernel/btf/vmlinux) or an ELF object with .BTF")
  List<String> words = new ArrayList<>();

  @Option(
      names = {"--base", "-B"},
      paramLabel = "FILE",
      description = "FILE is split BTF on top of this base (bpftool -B)")
  String basePath;

  @Option(
      names = "--format",
      paramLabel = "raw|c",
      description = "raw: bpftool's listing (default); c: compilable C")
  String format;

  @Override
  public Integer call() {
    List<String> w = new ArrayList<>(words);
    // bpftool's keywords: "file FILE" and "format raw|c" (a lone "file" is a file named so).
    if (w.size() >= 2 && w.get(0).equals("file")) {
      w.remove(0);
    }
    if (w.size() == 3 && w.get(1).equals("format")) {
      format(w.remove(2));
      w.remove(1);
    }
    if (w.size() != 1) {
      throw new UsageException(
          "btf dump: unrecognized argument '" + w.get(1) + "' (see xdpemu btf dump --help)");
    }
    String fmt = format(format == null ? "raw" : format);
    String file = w.get(0);
    Btf base = null;
    if (basePath != null) {
      base = Btf.read(readable(basePath));
    } else if (file.startsWith("/sys/kernel/btf/") && !file.equals("/sys/kernel/btf/vmlinux")) {
      base = Btf.read(readable("/sys/kernel/btf/vmlinux"));
    }
    Btf btf = Btf.read(readable(file), base);
    String text = fmt.equals("c") ? BtfCDump.dumpHeader(btf) : BtfRawDump.dump(btf);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    out.flush();
    return 0;
  }

  private String format(String f) {
    if (!f.equals("raw") && !f.equals("c")) {
      throw new UsageException(
          "btf dump: unrecognized format '" + f + "', possible values: raw, c");
    }
    if (format != null && !format.equals(f)) {
      throw new UsageException("btf dump: two formats given ('" + format + "' and '" + f + "')");
    }
    format = f;
    return f;
  }

  private static Path readable(String name) {
    Path p = Path.of(name);
    if (!Files.isReadable(p)) {
      throw new UsageException("cannot read " + name + ": no such file or not readable");
    }
    return p;
  }
}
