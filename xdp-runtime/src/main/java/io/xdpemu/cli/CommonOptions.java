package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.runtime.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every program-loading subcommand takes (shared/docs/cli.md, "Common options"), as a
 * picocli mixin: {@code @Mixin CommonOptions common;} then {@link #load}.
 */
final class CommonOptions {
  @Option(
      names = "--prog",
      paramLabel = "NAME",
      description = "program to load (function or section name)")
  String prog;

  @Option(
      names = "--firmware",
      paramLabel = "FILE",
      description = "NIC firmware (its metadata layout becomes split BTF)")
  String firmware;

  @Option(
      names = "--btf",
      paramLabel = "FILE",
      description = "target BTF for CO-RE instead of the firmware's")
  String btf;

  @Option(
      names = "--vmlinux",
      paramLabel = "FILE",
      description = "base BTF (default /sys/kernel/btf/vmlinux or bundled)")
  String vmlinux;

  @Option(
      names = "--engine",
      paramLabel = "interp|jit",
      description = "execution engine (default: fastest available)")
  String engine;

  @Option(names = "--unprivileged", description = "verify as an unprivileged loader")
  boolean unprivileged;

  @Option(
      names = "--map-init",
      paramLabel = "FILE",
      description = "preload maps (maps.json format)")
  String mapInit;

  @Option(
      names = "--fib",
      paramLabel = "FILE",
      description = "simulated interfaces, routes and neighbours")
  String fib;

  @Option(names = "--no-verify", description = "skip the verifier (run-time checks still apply)")
  boolean noVerify;

  /** The load options for {@code object}, every named file checked readable. */
  LoadOptions load(String object) {
    if (engine != null && !engine.equals("interp") && !engine.equals("jit")) {
      throw new UsageException("--engine must be 'interp' or 'jit', got '" + engine + "'");
    }
    return new LoadOptions(
        readable(object, "object"),
        prog,
        readable(firmware, "firmware"),
        readable(btf, "BTF"),
        readable(vmlinux, "vmlinux BTF"),
        engine,
        unprivileged,
        readable(mapInit, "map-init"),
        readable(fib, "FIB"),
        !noVerify);
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

  /** {@code value} checked in [min, max]; a one-line usage error naming the option otherwise. */
  static long inRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new UsageException(
          "option '" + option + "' must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
