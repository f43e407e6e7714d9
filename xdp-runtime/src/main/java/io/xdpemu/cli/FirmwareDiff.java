package io.xdpemu.cli;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import io.xdpemu.runtime.layout.LayoutDiff;
import io.xdpemu.runtime.layout.LayoutJson;
import io.xdpemu.runtime.layout.LayoutText;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu firmware diff A.json B.json [--json]}: the layout change itself, field by field
 * (see {@link LayoutDiff}).
 */
@Command(
    name = "diff",
    description = "Show how firmware B's metadata and descriptor layouts differ from A's.")
final class FirmwareDiff extends Subcommand {
  @Parameters(index = "0", paramLabel = "A", description = "the firmware before")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "the firmware after")
  String b;

  @Option(names = "--json", description = "print JSON instead of tables")
  boolean json;

  @Override
  public Integer call() {
    Path pa = CommonOptions.readable(a, "firmware");
    Path pb = CommonOptions.readable(b, "firmware");
    Firmware fa = FirmwareLoader.load(pa);
    Firmware fb = FirmwareLoader.load(pb);
    List<LayoutDiff.StructChange> d = LayoutDiff.of(fa, fb);
    out.print(
        json
            ? LayoutJson.diff(fa, pa.toString(), fb, pb.toString(), d) + "\n"
            : LayoutText.diff(fa, fb, d));
    return 0;
  }
}
