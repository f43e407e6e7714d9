package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.elf.BpfObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The object's .BTF.ext core_relo records in file order (section by section, as libbpf's
 * bpf_object__relocate_core walks them), with the per-section index libbpf calls "relo #N".
 */
public final class CoreRelocationRecords {
  private CoreRelocationRecords() {}

  public static List<CoreRelocationRecord> of(BpfObject obj) {
    BtfExt ext = obj.ext();
    if (ext == null) {
      return List.of();
    }
    List<CoreRelocationRecord> out = new ArrayList<>();
    for (BtfExt.Section<BtfExt.CoreRelo> s : ext.coreRelos()) {
      int i = 0;
      for (BtfExt.CoreRelo r : s.records()) {
        out.add(
            new CoreRelocationRecord(
                s.name(), r.insnOff(), r.typeId(), r.accessStr(), r.kind(), i++));
      }
    }
    return out;
  }
}
