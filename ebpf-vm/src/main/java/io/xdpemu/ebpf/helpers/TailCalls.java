package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.ProgArrayMap;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.Program;

/**
 * bpf_tail_call once the prog array is known: the registered helper calls {@link #target} after
 * resolving the handle in r2; the JIT calls it directly where the verifier proved which prog array
 * r2 holds and which index r3 holds, and then calls the target's code itself.
 */
public final class TailCalls {
  private TailCalls() {}

  /** MAX_TAIL_CALL_CNT (include/linux/bpf.h). */
  public static final int MAX_TAIL_CALL_CNT = 33;

  /**
   * The registered bpf_tail_call implements this, so that an engine binds a call statically only
   * when the program's registry holds the standard helper.
   */
  public interface Standard extends Helper {}

  /**
   * The program bpf_tail_call continues in, or null when it fails (r0 = -ENOENT). As in the
   * interpreter and the x86 JIT, an index past the end fails first, then the counter is checked and
   * incremented (so a call to an empty slot still counts), then the slot is read.
   */
  public static Program target(ProgArrayMap m, ExecutionContext ctx, long index) {
    int i = (int) index;
    if (Integer.compareUnsigned(i, m.maxEntries()) >= 0) {
      return null;
    }
    if (ctx.tailCalls >= MAX_TAIL_CALL_CNT) {
      return null;
    }
    ctx.tailCalls++;
    return m.program(i);
  }
}
