package io.xdpemu.cli;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.nic.firmware.FirmwareLoader;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.layout.LayoutCheck;
import io.xdpemu.runtime.layout.LayoutJson;
import io.xdpemu.runtime.layout.LayoutText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu firmware check PROG.o... --firmware A.json --firmware B.json ...}: the layout lab
 * (see {@link LayoutCheck}). Exit 0 when every program loads on every layout, 1 when one does not
 * (a rejection, as for {@code verify}).
 */
@Command(
    name = "check",
    description =
        "Check programs against firmware layouts: loads or not, every CO-RE relocation per layout.")
final class FirmwareCheck extends Subcommand {
  @Parameters(paramLabel = "PROG.o", arity = "1..*", description = "BPF objects to check")
  List<String> objects = new ArrayList<>();

  @Option(
      names = "--firmware",
      paramLabel = "FILE",
      required = true,
      description = "a firmware layout to check against (repeatable; A, B, ... in the tables)")
  List<String> firmwares = new ArrayList<>();

  @Option(
      names = "--prog",
      paramLabel = "NAME",
      description = "only this program of each object (default: every program)")
  String prog;

  @Option(
      names = "--vmlinux",
      paramLabel = "FILE",
      description = "base BTF (default /sys/kernel/btf/vmlinux or bundled)")
  String vmlinux;

  @Option(names = "--unprivileged", description = "verify as an unprivileged loader")
  boolean unprivileged;

  @Option(names = "--json", description = "print JSON instead of tables")
  boolean json;

  @Override
  public Integer call() {
    if (firmwares.isEmpty()) {
      throw new UsageException("firmware check: give at least one --firmware FILE");
    }
    Path base = CommonOptions.readable(vmlinux, "vmlinux BTF");
    List<LayoutCheck.Target> targets = new ArrayList<>();
    for (String f : firmwares) {
      Path p = CommonOptions.readable(f, "firmware");
      targets.add(LayoutCheck.Target.of(p, FirmwareLoader.load(p), base));
    }
    List<Path> objs = new ArrayList<>();
    for (String o : objects) {
      objs.add(CommonOptions.readable(o, "object"));
    }
    LoadOptions common =
        new LoadOptions(objs.get(0), prog, null, null, base, null, unprivileged, null, null, true);
    List<LayoutCheck.ProgramResult> results = LayoutCheck.check(objs, targets, common);
    if (json) {
      out.println(LayoutJson.check(targets, results));
    } else {
      out.print(LayoutText.legend(targets));
      for (LayoutCheck.ProgramResult r : results) {
        out.println();
        out.print(LayoutText.program(r, targets.size()));
      }
    }
    boolean all = results.stream().allMatch(r -> r.verdicts().stream().allMatch(v -> v.loads()));
    return all ? 0 : 1;
  }
}
