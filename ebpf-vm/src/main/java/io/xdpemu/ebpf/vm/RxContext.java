package io.xdpemu.ebpf.vm;

/**
 * What a NIC model needs of a program's execution context to hand it one received frame, and all
 * the NIC model (module nic-model) may use of the VM besides {@link XdpBuff} (the frame geometry
 * and the xdp_buff it fills), {@link HeadroomRecord} (what it keeps per frame buffer about the
 * headroom programs wrote, which the xdp_buff points back to) and {@link RxMetadataSource} (its
 * answers to the XDP metadata kfuncs). {@link ExecutionContext} implements it; nic-model never sees
 * the context, its memory model or the engines.
 */
public interface RxContext {
  /** Lowest address of the simulated kernel's direct map, where a NIC places its rings. */
  long DIRECT_MAP_BASE = KernelMemory.DIRECT_MAP_BASE;

  /** The xdp_buff the frame goes into. */
  XdpBuff xdp();

  /**
   * Makes {@code bytes} readable at kernel address {@code address} (a descriptor ring, for
   * bpf_probe_read_kernel). Not free (it records a mapping): callers map once per array and
   * context.
   */
  void mapKernel(long address, byte[] bytes);

  /**
   * Completes the frame after {@link #xdp()} was set: the packet region follows the xdp_buff, the
   * program runs on {@code cpu}, and the metadata kfuncs ask {@code kfuncs}.
   */
  void received(int cpu, RxMetadataSource kfuncs);
}
