package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.XdpemuException;

/**
 * A map whose memory does not fit the Java heap, refused by name and size where the kernel's
 * BPF_MAP_CREATE would fail with -ENOMEM: a resource limit of this run (exit 2, with the way out),
 * never an anonymous OutOfMemoryError.
 */
public final class MapMemoryException extends XdpemuException {
  public MapMemoryException(String map, int maxEntries, int valueSize, int cpus) {
    super(message(map, maxEntries, valueSize, cpus), 2);
  }

  private static String message(String map, int maxEntries, int valueSize, int cpus) {
    long bytes = Integer.toUnsignedLong(maxEntries) * valueSize * cpus;
    return "map '"
        + map
        + "' ("
        + Integer.toUnsignedString(maxEntries)
        + " entries x "
        + valueSize
        + " bytes"
        + (cpus > 1 ? " x " + cpus + " CPUs" : "")
        + " = "
        + bytes
        + " bytes) does not fit the Java heap of "
        + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB (the kernel's -ENOMEM): lower max_entries or raise -Xmx";
  }
}
