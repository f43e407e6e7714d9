package io.xdpemu.runtime;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.ebpf.btf.BtfValue;
import io.xdpemu.ebpf.btf.BtfValueDecoder;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import java.util.HashMap;
import java.util.Map;

/**
 * The NIC's metadata block by field name: the bytes read through the metadata struct of the split
 * BTF the firmware exports (what a program's CO-RE relocations resolve against), showing of each
 * union only the member the frame's packet type selects - the one the firmware wrote (the others
 * share its bytes, so showing them would show garbage).
 */
public final class MetadataFormat {
  private final Btf btf;
  private final int structId;
  private final int size;

  /** Union type id in {@link #btf} to the firmware's description of that union. */
  private final Map<Integer, Layout.Union> unions = new HashMap<>();

  private MetadataFormat(Btf btf, int structId, Layout metadata) {
    this.btf = btf;
    this.structId = structId;
    this.size = metadata.size();
    collectUnions(structId, metadata);
  }

  /**
   * The format for {@code fw}'s metadata as exported in {@code firmwareBtf} (split BTF on the
   * base), or null when the firmware writes no metadata block.
   */
  public static MetadataFormat of(Firmware fw, Btf firmwareBtf) {
    Layout meta = fw.metadata();
    if (meta == null || meta.structName() == null) {
      return null;
    }
    int id = firmwareBtf.find(meta.structName(), BtfKind.STRUCT);
    if (id <= 0) {
      throw new IllegalStateException("the firmware's BTF has no struct " + meta.structName());
    }
    return new MetadataFormat(firmwareBtf, id, meta);
  }

  /** Pairs every union of the layout with its BTF type, by member name in the parent struct. */
  private void collectUnions(int compositeId, Layout layout) {
    BtfType.Composite c = (BtfType.Composite) btf.resolveType(compositeId);
    for (Layout.Member m : layout.fields()) {
      if (m.union() == null) {
        continue;
      }
      for (BtfType.Member bm : c.members()) {
        if (bm.name().equals(m.name())) {
          int unionId = btf.resolve(bm.type());
          unions.put(unionId, m.union());
          BtfType.Union u = (BtfType.Union) btf.type(unionId);
          for (Layout.UnionMember um : m.union().members()) {
            for (BtfType.Member inner : u.members()) {
              if (inner.name().equals(um.name())) {
                collectUnions(inner.type(), um.layout());
              }
            }
          }
        }
      }
    }
  }

  /** Size of the metadata block in bytes. */
  public int size() {
    return size;
  }

  /**
   * {@code meta[0..length)} by field name for a frame of packet type {@code ptype}; null when the
   * length is not the struct's (the program moved data_meta, so the block no longer is the struct).
   */
  public BtfValue decode(byte[] meta, int length, long ptype) {
    if (length != size) {
      return null;
    }
    BtfValueDecoder d =
        new BtfValueDecoder(
            btf,
            (u, m) -> {
              Layout.Union lu = unions.get(u.id());
              if (lu == null) {
                return true;
              }
              for (Layout.UnionMember um : lu.members()) {
                if (um.name().equals(m.name())) {
                  for (long p : um.ptypes()) {
                    if (p == ptype) {
                      return true;
                    }
                  }
                }
              }
              return false;
            });
    return d.decode(structId, java.util.Arrays.copyOf(meta, length), 0);
  }
}
