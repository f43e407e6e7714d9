package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfType;

/**
 * Finds the special fields of a map value in the object's BTF, as btf_parse_fields() does at map
 * creation: today the {@code struct bpf_spin_lock}, which enables BPF_F_LOCK updates and lookups
 * and is never copied by value copies. The kernel accepts one lock, a direct member of the value
 * struct (or the value itself), 4-byte aligned.
 */
public final class SpecialFields {
  private SpecialFields() {}

  /** The byte offset of the value's bpf_spin_lock, or -1 when it has none. */
  public static int spinLockOffset(Btf btf, int valueTypeId) {
    if (btf == null || valueTypeId <= 0) {
      return -1;
    }
    BtfType v = btf.resolveType(valueTypeId);
    if (isSpinLock(v)) {
      return 0;
    }
    if (v instanceof BtfType.Struct s) {
      for (BtfType.Member m : s.members()) {
        if (!m.isBitfield() && isSpinLock(btf.resolveType(m.type()))) {
          return m.byteOffset();
        }
      }
    }
    return -1;
  }

  /** Sets the spin lock offset of every map whose value BTF has one. */
  public static void apply(Btf btf, MapRegistry maps) {
    for (BpfMap m : maps.all()) {
      int off = spinLockOffset(btf, m.definition().valueBtfId());
      if (off >= 0 && off + 4 <= m.valueSize() && SpinLocks.aligned(off)) {
        m.setSpinLockOffset(off);
      }
    }
  }

  private static boolean isSpinLock(BtfType t) {
    return t instanceof BtfType.Struct s && "bpf_spin_lock".equals(s.name());
  }
}
