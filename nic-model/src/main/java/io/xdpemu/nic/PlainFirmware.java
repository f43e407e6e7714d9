package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The firmware bundled for runs without {@code --firmware} ({@code plain.json} next to this class):
 * Ethernet/VLAN/IP/L4 parse, kernel mode, the kernel's default RSS fields and indirection with
 * Microsoft's key. It runs on the same {@link Nic} as any other firmware.
 */
public final class PlainFirmware {
  private PlainFirmware() {}

  /** The summary's name for this NIC (unchanged from before it was a firmware). */
  public static final String DESCRIPTION = "plain NIC (no firmware, no metadata)";

  private static final class Holder {
    static final Firmware FW = load();
  }

  public static Firmware get() {
    return Holder.FW;
  }

  private static Firmware load() {
    try (InputStream in = PlainFirmware.class.getResourceAsStream("plain.json")) {
      if (in == null) {
        throw new IllegalStateException("bundled firmware plain.json missing from the class path");
      }
      return FirmwareLoader.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), "(bundled) plain.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
