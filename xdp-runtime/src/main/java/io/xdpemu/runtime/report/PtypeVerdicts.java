package io.xdpemu.runtime.report;

import io.xdpemu.runtime.XdpAction;

/**
 * Verdicts by packet type: a small table from the ptype the NIC's parser gave each frame to its
 * per-action counts. Packet types are a firmware's short list; past {@link #MAX_TYPES} distinct
 * ones the rest share the last row ("other"), so the table stays bounded.
 */
final class PtypeVerdicts {
  static final int MAX_TYPES = 64;

  final long[] ptypes = new long[MAX_TYPES];
  final long[][] counts = new long[MAX_TYPES][XdpAction.COUNT];
  int used;
  boolean overflow;

  void add(long ptype, int action) {
    for (int i = 0; i < used; i++) {
      if (ptypes[i] == ptype) {
        counts[i][action]++;
        return;
      }
    }
    if (used < MAX_TYPES - 1) {
      ptypes[used] = ptype;
      counts[used++][action]++;
      return;
    }
    overflow = true;
    counts[MAX_TYPES - 1][action]++;
  }
}
