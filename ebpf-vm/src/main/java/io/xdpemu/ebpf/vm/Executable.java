package io.xdpemu.ebpf.vm;

/** A program prepared by an {@link Engine}, runnable any number of times, from any thread. */
public interface Executable {
  /** Runs with r1 = {@code r1} (for XDP: {@link ExecutionContext#contextPointer()}); returns r0. */
  long run(ExecutionContext ctx, long r1);

  /** Runs with r1 and r2 set, other registers 0 and r10 = the frame pointer; returns r0. */
  long run(ExecutionContext ctx, long r1, long r2);

  /**
   * The bpf_conformance execution contract ({@code ubpf_plugin}): {@code mem} (may be null) becomes
   * the PACKET region, r1 points at its first byte (0 when there is none) and r2 holds its length.
   */
  default long runOnMemory(ExecutionContext ctx, byte[] mem) {
    if (mem == null) {
      return run(ctx, 0, 0);
    }
    ctx.packet().reset(mem, 0, mem.length);
    return run(ctx, AddressSpace.pointer(AddressSpace.PACKET, 0), mem.length);
  }
}
