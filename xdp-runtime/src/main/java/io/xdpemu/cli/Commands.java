package io.xdpemu.cli;

import java.util.Map;
import java.util.TreeMap;

/** The table of subcommands. Each subcommand lives in its own class. */
final class Commands {
  private Commands() {}

  private static final Map<String, Command> TABLE = new TreeMap<>();

  static {
    // gen-pcap is not in the usage text: a developer tool for making captures (pcaps/README.md).
    TABLE.put("gen-pcap", new GenPcapCommand());
    TABLE.put("run", new RunCommand());
    TABLE.put("test-run", new TestRunCommand());
    TABLE.put("verify", new VerifyCommand());
    TABLE.put("disasm", new DisasmCommand());
    TABLE.put("diff", new DiffCommand());
    TABLE.put("btf", new BtfCommand());
    TABLE.put("firmware", new FirmwareCommand());
  }

  static Command lookup(String name) {
    return TABLE.get(name);
  }
}
