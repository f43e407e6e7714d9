package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** The options every program-loading subcommand takes (shared/docs/cli.md, "Common options"). */
final class CommonOptions {
  private CommonOptions() {}

  static ArgParser register(ArgParser p) {
    return p.option("--prog", "NAME", "program to load (function or section name)")
        .option("--firmware", "FILE", "NIC firmware (its metadata layout becomes split BTF)")
        .option("--btf", "FILE", "target BTF for CO-RE instead of the firmware's")
        .option("--vmlinux", "FILE", "base BTF (default /sys/kernel/btf/vmlinux or bundled)")
        .option("--engine", "interp|jit", "execution engine (default: fastest available)")
        .flag("--unprivileged", "verify as an unprivileged loader")
        .option("--map-init", "FILE", "preload maps (maps.json format)")
        .option("--fib", "FILE", "simulated interfaces, routes and neighbours")
        .flag("--no-verify", "skip the verifier (run-time checks still apply)")
        .flag("--debug", "show stack traces of errors");
  }

  static LoadOptions from(ArgParser.Parsed a, String object) {
    String engine = a.get("--engine");
    if (engine != null && !engine.equals("interp") && !engine.equals("jit")) {
      throw new UsageException("--engine must be 'interp' or 'jit', got '" + engine + "'");
    }
    return new LoadOptions(
        readable(object, "object"),
        a.get("--prog"),
        readable(a.get("--firmware"), "firmware"),
        readable(a.get("--btf"), "BTF"),
        readable(a.get("--vmlinux"), "vmlinux BTF"),
        engine,
        a.has("--unprivileged"),
        readable(a.get("--map-init"), "map-init"),
        readable(a.get("--fib"), "FIB"),
        !a.has("--no-verify"));
  }

  /** The path when it names a readable regular file; a one-line usage error otherwise. */
  static Path readable(String file, String what) {
    if (file == null) {
      return null;
    }
    Path p = Path.of(file);
    if (!Files.exists(p)) {
      throw new UsageException("cannot read " + what + " file " + file + ": no such file");
    }
    if (Files.isDirectory(p)) {
      throw new UsageException("cannot read " + what + " file " + file + ": is a directory");
    }
    if (!Files.isReadable(p)) {
      throw new UsageException("cannot read " + what + " file " + file + ": permission denied");
    }
    return p;
  }
}
