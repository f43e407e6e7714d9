package io.xdpemu.runtime;

import java.util.function.Supplier;

/**
 * {@code --swap-firmware FILE@N}: before input packet {@code atIndex} (0-based), load {@code file}
 * and re-attach the program to it. {@code load} reloads the program against the new firmware's
 * BTF; when it throws, the swap is refused and the old firmware stays, as the architecture asks.
 */
public record FirmwareSwap(long atIndex, String file, Supplier<Attachment> load) {}
