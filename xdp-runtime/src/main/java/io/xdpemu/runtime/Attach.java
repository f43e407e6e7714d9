package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the NIC a command runs with and attaches the loaded program to it: the NIC of nic-model
 * with the {@code --firmware} given, or with the bundled plain firmware ({@link Nic#plain}). Also
 * prepares {@code --swap-firmware} swaps, which relink the program against the new firmware's BTF
 * inside the NIC's validator, so a program that does not load on the new firmware refuses the swap.
 */
public final class Attach implements AutoCloseable {
  private final Nic nic;
  private final AtomicReference<LoadPipeline.Loaded> loaded = new AtomicReference<>();

  private Attach(Nic nic, LoadPipeline.Loaded first) {
    this.nic = nic;
    this.loaded.set(first);
  }

  /** {@code queues} 0 = the firmware's RSS queue count (1 without firmware). */
  public static Attach create(LoadOptions o, int queues) {
    if (o.firmware() == null) {
      Nic plain = Nic.plain(NicConfig.defaults().withQueues(Math.max(queues, 1)));
      try {
        return new Attach(plain, LoadPipeline.load(o, plain.queueCount(), TargetBtf.of(o, null)));
      } catch (RuntimeException | Error e) {
        plain.close();
        throw e;
      }
    }
    Firmware fw = FirmwareLoader.load(o.firmware());
    Nic nic = Nic.create(fw, NicConfig.defaults().withQueues(Math.max(queues, 0)));
    try {
      LoadPipeline.Loaded l = LoadPipeline.load(o, nic.queueCount(), TargetBtf.of(o, fw));
      return new Attach(nic, l);
    } catch (RuntimeException | Error e) {
      nic.close();
      throw e;
    }
  }

  public LoadPipeline.Loaded loaded() {
    return loaded.get();
  }

  public Attachment attachment() {
    LoadPipeline.Loaded l = loaded.get();
    return new Attachment(nic, l.runner(), l.spec().name() + " on " + nic.describe());
  }

  public Nic nic() {
    return nic;
  }

  /** Returns the NIC's frame buffers to their pool (netty reference counting). */
  @Override
  public void close() {
    nic.close();
  }

  /** Parses {@code FILE@N} (packet index) or {@code FILE@T} (T with ns/us/ms/s) into a swap. */
  public FirmwareSwap swap(String spec) {
    int at = spec.lastIndexOf('@');
    String usage =
        "--swap-firmware wants FILE@N (packet index) or FILE@T (time into the capture:"
            + " 500us, 2ms, 1.5s), got '"
            + spec
            + "'";
    if (at <= 0 || at == spec.length() - 1) {
      throw new UsageException(usage);
    }
    String file = spec.substring(0, at);
    String when = spec.substring(at + 1);
    long index = -1;
    long timeNs = -1;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s)").matcher(when);
    try {
      if (m.matches()) {
        double unit =
            switch (m.group(2)) {
              case "ns" -> 1;
              case "us" -> 1e3;
              case "ms" -> 1e6;
              default -> 1e9;
            };
        timeNs = Math.round(Double.parseDouble(m.group(1)) * unit);
      } else {
        index = Long.parseLong(when);
      }
    } catch (NumberFormatException e) {
      throw new UsageException(usage);
    }
    if (index < 0 && timeNs < 0) {
      throw new UsageException(usage);
    }
    Path p = Path.of(file);
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new UsageException("cannot read firmware file " + file);
    }
    if (nic.isPlain()) {
      throw new UsageException("--swap-firmware needs --firmware (the NIC to swap it on)");
    }
    // Parse now so a malformed file is bad input (exit 2) before the replay starts.
    Firmware candidate = FirmwareLoader.load(p);
    return new FirmwareSwap(
        index,
        timeNs,
        file,
        () -> {
          AtomicReference<LoadPipeline.Loaded> relinked = new AtomicReference<>();
          nic.load(
              candidate,
              fw ->
                  relinked.set(
                      LoadPipeline.relink(loaded.get(), TargetBtf.of(loaded.get().options(), fw))));
          loaded.set(relinked.get());
          LoadPipeline.Loaded l = relinked.get();
          return new Attachment(nic, l.runner(), l.spec().name() + " on " + nic.describe());
        });
  }
}
