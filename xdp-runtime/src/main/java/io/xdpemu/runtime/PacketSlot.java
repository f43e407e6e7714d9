package io.xdpemu.runtime;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.vm.LinePadded;

/**
 * One packet in flight through the replay: the input frame, where it was steered, and what the
 * program made of it. Slots are allocated once per batch position and reused, so the steady state
 * allocates nothing; byte arrays grow only for a frame larger than any seen before.
 */
final class PacketSlot extends LinePadded {
  /** Where a redirect went. */
  static final int TO_NONE = 0;

  static final int TO_IFINDEX = 1;
  static final int TO_DEVMAP = 2;
  static final int TO_CPUMAP = 3;
  static final int TO_XSKMAP = 4;

  long index;
  long timestampNs;
  int queue;

  /** What the NIC's steer stage learned about the frame; its queue stage reads it. */
  final io.xdpemu.nic.RxParse parse = new io.xdpemu.nic.RxParse();

  byte[] in = new byte[2048];
  int inLength;

  long retval;
  int action;
  byte[] out = new byte[2048];
  int outLength;
  byte[] meta = new byte[256];
  int metaLength;

  /** The metadata after the program (it may write or move data_meta); kept with meta. */
  byte[] metaOut = new byte[256];

  int metaOutLength;

  /** The packet type the NIC's parser gave the frame; -1 without firmware. */
  long ptype = -1;

  /** The firmware that received the frame (it changes at a swap); null without firmware. */
  io.xdpemu.nic.firmware.Firmware firmware;

  int redirectKind;

  /** Target ifindex (ifindex/devmap), CPU (cpumap) or socket id (xskmap). */
  long redirectTarget;

  int redirectKey;
  BpfMap redirectMap;

  /** BPF_F_BROADCAST through a devmap: every target ifindex, in key order. */
  long[] broadcast = new long[8];

  int broadcastCount;

  /** Negative errno when the redirect could not be carried out (packet dropped), else 0. */
  int redirectError;

  /** For XDP_ABORTED: the trap message or "invalid action N"; null otherwise. */
  String abortReason;

  int abortPc = -1;

  /** Ring buffer / perf records this packet's run produced (--serial), or null. */
  java.util.List<io.xdpemu.ebpf.maps.MapEvents.Event> events;

  /** The NIC dropped the frame before the program ran (it did not fit a frame buffer). */
  boolean nicDropped;

  /**
   * Whether a rare result field (redirect, broadcast, abort, events) may be set: only then does
   * {@link #clearResult} reset them, so the common packet costs a few stores.
   */
  boolean rareSet;

  void ensureIn(int n) {
    if (in.length < n) {
      in = new byte[Math.max(n, in.length * 2)];
    }
  }

  void ensureOut(int n) {
    if (out.length < n) {
      out = new byte[Math.max(n, out.length * 2)];
    }
  }

  void ensureMeta(int n) {
    if (meta.length < n) {
      meta = new byte[Math.max(n, meta.length * 2)];
    }
  }

  void ensureMetaOut(int n) {
    if (metaOut.length < n) {
      metaOut = new byte[Math.max(n, metaOut.length * 2)];
    }
  }

  /**
   * Resets what a run sets. The fields every run writes (action, retval, lengths, packet type,
   * firmware) are written unconditionally by {@link QueueRunner#process}; the rare ones only when a
   * run set them ({@link #rareSet}).
   */
  void clearResult() {
    metaOutLength = 0;
    metaLength = 0;
    outLength = 0;
    nicDropped = false;
    if (rareSet) {
      rareSet = false;
      redirectKind = TO_NONE;
      redirectTarget = 0;
      redirectKey = 0;
      redirectMap = null;
      broadcastCount = 0;
      redirectError = 0;
      abortReason = null;
      abortPc = -1;
      events = null;
    }
  }
}
