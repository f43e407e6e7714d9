package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import picocli.CommandLine.Command;

/**
 * {@code xdpemu firmware SUBCOMMAND}: the group; {@code compile} is {@link FirmwareCompile}. A new
 * firmware subcommand is a class added under this one in {@link Cli#table}.
 */
@Command(
    name = "firmware",
    description =
        "NIC firmware files: validate and export their layouts, compare them, check programs"
            + " against them.")
final class FirmwareCommand extends Subcommand {
  @Override
  public Integer call() {
    throw new UsageException("firmware: missing subcommand (see xdpemu firmware --help)");
  }
}
