package io.xdpemu.ebpf.maps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@code struct bpf_spin_lock} (a __u32 inside a map value): 0 unlocked, 1 held. Taken with a CAS
 * on the value's own bytes, so program threads (bpf_spin_lock) and the host (BPF_F_LOCK updates and
 * lookups) exclude each other for real. The kernel allows one lock held at a time per program and
 * no helper calls while holding it (the verifier enforces both), so spinning cannot deadlock.
 */
public final class SpinLocks {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private SpinLocks() {}

  /** True when a 4-byte lock word at {@code off} can be used atomically (4-byte aligned). */
  public static boolean aligned(int off) {
    return (off & 3) == 0;
  }

  public static void lock(byte[] bytes, int off) {
    while (!INT.compareAndSet(bytes, off, 0, 1)) {
      Thread.onSpinWait();
    }
  }

  public static void unlock(byte[] bytes, int off) {
    INT.setVolatile(bytes, off, 0);
  }
}
