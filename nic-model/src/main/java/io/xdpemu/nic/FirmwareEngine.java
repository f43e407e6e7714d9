package io.xdpemu.nic;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.nic.firmware.Firmware;
import java.util.Locale;

/**
 * How the NIC runs a firmware: {@link #COMPILED} (the default: the firmware's parse graph, rules
 * and layouts generated as JVM code) or {@link #INTERPRETER} (the table walkers, the reference).
 * {@code -Dxdpemu.nic.engine=interpreter} changes the default of the process.
 */
public enum FirmwareEngine {
  COMPILED,
  INTERPRETER;

  /** The system property that picks the default engine. */
  public static final String PROPERTY = "xdpemu.nic.engine";

  /** The engine {@link #PROPERTY} names, {@link #COMPILED} when it is unset. */
  public static FirmwareEngine fromProperty() {
    String v = System.getProperty(PROPERTY, "compiled");
    for (FirmwareEngine e : values()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(v)) {
        return e;
      }
    }
    throw new UsageException("-D" + PROPERTY + "=" + v + ": expected compiled or interpreter");
  }

  FirmwareCode code(Firmware fw) {
    return this == COMPILED ? CompiledFirmware.compile(fw) : new InterpretedFirmware(fw);
  }
}
