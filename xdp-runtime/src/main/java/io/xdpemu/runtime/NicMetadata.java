package io.xdpemu.runtime;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a firmware's NIC hands the program for one frame, as bytes both sides of {@code diff} can
 * take: the metadata it writes in front of the frame (BPF_PROG_TEST_RUN's {@code data_meta}, via
 * ctx_in) and the frame as it lands in the buffer (a stripped VLAN tag is gone). One queue: the
 * test run's queue 0 on CPU 0.
 */
final class NicMetadata implements AutoCloseable {
  /** The metadata block and the frame after it. */
  record Received(byte[] meta, byte[] data) {}

  private final Nic nic;
  private final ExecutionContext ctx = new ExecutionContext(new RegionRegistry());

  private NicMetadata(Nic nic) {
    this.nic = nic;
  }

  static NicMetadata open(Path firmware) {
    Firmware fw = FirmwareLoader.load(firmware);
    if (fw.metadataSize() % 4 != 0 || fw.metadataSize() > TestRun.MAX_META) {
      throw new UsageException(
          "diff: "
              + firmware
              + " writes "
              + fw.metadataSize()
              + " bytes of metadata; BPF_PROG_TEST_RUN takes a multiple of 4 up to "
              + TestRun.MAX_META
              + ", so the kernel side cannot be given the same");
    }
    return new NicMetadata(Nic.create(fw, NicConfig.defaults().withQueues(1)));
  }

  /** The NIC's view of {@code frame}; null when the NIC drops it (larger than its buffers). */
  Received receive(byte[] frame, long timestampNs) {
    if (!nic.queue(0).receive(frame, 0, frame.length, timestampNs, ctx)) {
      return null;
    }
    XdpBuff x = ctx.xdp();
    return new Received(
        Arrays.copyOfRange(x.frame, x.meta, x.data), Arrays.copyOfRange(x.frame, x.data, x.end));
  }

  @Override
  public void close() {
    nic.close();
  }
}
