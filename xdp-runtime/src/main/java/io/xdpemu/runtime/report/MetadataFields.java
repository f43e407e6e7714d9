package io.xdpemu.runtime.report;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.runtime.layout.FlatLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The distributions of one firmware's metadata fields: every scalar of the layout, a union member's
 * fields counted only for frames whose packet type selects that member (the bytes of the others are
 * not theirs). Pointers are left out: a kernel address says nothing about traffic.
 */
final class MetadataFields {
  final Firmware firmware;
  final List<FlatLayout.Field> fields = new ArrayList<>();
  final ValueDistribution[] distributions;
  final int size;

  MetadataFields(Firmware firmware) {
    this.firmware = firmware;
    this.size = firmware.metadataSize();
    for (FlatLayout.Field f : FlatLayout.of(firmware.metadata())) {
      if (f.scalar() != Layout.Scalar.PTR) {
        fields.add(f);
      }
    }
    distributions = new ValueDistribution[fields.size()];
    for (int i = 0; i < distributions.length; i++) {
      distributions[i] = new ValueDistribution();
    }
  }

  /** Counts the fields of one block; nothing when the block is not this layout's size. */
  void add(byte[] meta, int length, long ptype) {
    if (length != size) {
      return;
    }
    for (int i = 0; i < distributions.length; i++) {
      FlatLayout.Field f = fields.get(i);
      if (f.ptypes() != null && !contains(f.ptypes(), ptype)) {
        continue;
      }
      distributions[i].add(read(meta, f.offset(), f.scalar()));
    }
  }

  private static boolean contains(long[] set, long v) {
    for (long x : set) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  static long read(byte[] b, int off, Layout.Scalar s) {
    long v = 0;
    for (int i = 0; i < s.size; i++) {
      int at = s.bigEndian ? off + i : off + s.size - 1 - i;
      v = v << 8 | (b[at] & 0xff);
    }
    return v;
  }
}
