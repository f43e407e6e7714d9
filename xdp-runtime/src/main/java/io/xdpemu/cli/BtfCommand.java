package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import picocli.CommandLine.Command;

/** {@code xdpemu btf SUBCOMMAND}: the group; {@code dump} is {@link BtfDump}. */
@Command(name = "btf", description = "Inspect BTF, like bpftool btf.")
final class BtfCommand extends Subcommand {
  @Override
  public Integer call() {
    throw new UsageException("btf: missing subcommand (see xdpemu btf --help)");
  }
}
