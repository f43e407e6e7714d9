package io.xdpemu.runtime;

import java.nio.file.Path;

/**
 * What the common command-line options ask of the load pipeline (see shared/docs/cli.md).
 *
 * @param object the ELF object
 * @param program function or section name of the program to load, or null for the first XDP one
 * @param firmware NIC firmware file, or null for the default NIC
 * @param btf target BTF replacing the firmware's split BTF, or null
 * @param vmlinux base BTF, or null for /sys/kernel/btf/vmlinux (bundled base when unreadable)
 * @param engine "interp", "jit" or null for the fastest available
 * @param unprivileged verify as a loader without CAP_PERFMON/CAP_SYS_ADMIN
 * @param mapInit JSON in maps.json format to preload maps from, or null
 * @param fib simulated interfaces, routes and neighbours, or null
 * @param verify false with --no-verify
 */
public record LoadOptions(
    Path object,
    String program,
    Path firmware,
    Path btf,
    Path vmlinux,
    String engine,
    boolean unprivileged,
    Path mapInit,
    Path fib,
    boolean verify) {

  /** Defaults for an object: first XDP program, default NIC, verified. */
  public static LoadOptions of(Path object) {
    return new LoadOptions(object, null, null, null, null, null, false, null, null, true);
  }

  public LoadOptions withFirmware(Path fw) {
    return new LoadOptions(
        object, program, fw, btf, vmlinux, engine, unprivileged, mapInit, fib, verify);
  }
}
