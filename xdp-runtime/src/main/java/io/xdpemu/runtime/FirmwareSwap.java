package io.xdpemu.runtime;

import java.util.function.Supplier;

/**
 * {@code --swap-firmware FILE@N} (before input packet N, 0-based) or {@code FILE@T} with a time
 * unit ({@code 500us}, {@code 2ms}, {@code 1.5s}: before the first packet captured at least T after
 * the first packet of the replay): load {@code file} and re-attach the program to it. {@code load}
 * relinks the program against the new firmware's BTF; when it throws, the swap is refused and the
 * old firmware stays, as the architecture asks.
 *
 * @param atIndex packet index, or -1 for a time-based swap
 * @param atTimeNs capture-time offset from the first packet in ns, or -1 for an index-based swap
 */
public record FirmwareSwap(long atIndex, long atTimeNs, String file, Supplier<Attachment> load) {

  /** An index-based swap. */
  public FirmwareSwap(long atIndex, String file, Supplier<Attachment> load) {
    this(atIndex, -1, file, load);
  }

  /** Due before the packet with this index and capture-time offset from the first packet? */
  boolean due(long index, long sinceFirstNs) {
    return atTimeNs >= 0 ? sinceFirstNs >= atTimeNs : index >= atIndex;
  }

  /** "packet N" or "500000 ns" for reports. */
  String where() {
    return atTimeNs >= 0 ? atTimeNs + " ns into the capture" : "packet " + atIndex;
  }
}
