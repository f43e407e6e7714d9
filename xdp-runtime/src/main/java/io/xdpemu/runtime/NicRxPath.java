package io.xdpemu.runtime;

import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.nic.Nic;

/** The firmware-driven NIC of module nic-model as the replay's {@link RxPath}. */
public final class NicRxPath implements RxPath {
  private final Nic nic;
  private final String file;

  public NicRxPath(Nic nic, String file) {
    this.nic = nic;
    this.file = file;
  }

  public Nic nic() {
    return nic;
  }

  @Override
  public int queues() {
    return nic.queueCount();
  }

  @Override
  public int ifindex() {
    return nic.config().ifindex();
  }

  @Override
  public int steer(byte[] frame, int length) {
    return nic.steer(frame, 0, length);
  }

  @Override
  public boolean deliver(int queue, byte[] frame, int length, long ts, ExecutionContext ctx) {
    return nic.queue(queue).receive(frame, 0, length, ts, ctx);
  }

  @Override
  public long lastPtype(int queue) {
    return nic.queue(queue).lastResult().ptype;
  }

  @Override
  public io.xdpemu.nic.firmware.Firmware lastFirmware(int queue) {
    return nic.queue(queue).lastFirmware();
  }

  @Override
  public String describe() {
    return nic.firmware().toString();
  }
}
