package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;

/**
 * A firmware ready for the data path ({@link FirmwareCode}: compiled by default, or the reference
 * interpreter). Immutable and shared by all queues; the NIC swaps the whole object at once, so each
 * frame is handled entirely by one firmware.
 *
 * @param generation 1 for the firmware the NIC was created with, +1 per successful swap
 * @param queueFold the NIC's queue for each queue the indirection table names ({@code q % the NIC's
 *     queue count}, precomputed: no division or data-dependent branch per frame)
 * @param queueByHash the NIC's queue for each {@code hash & queueMask}: the indirection table and
 *     the fold in one lookup, when the table's size is a power of two (or there is no RSS: one
 *     entry)
 * @param queueMask its size - 1; -1 when the table's size is not a power of two (then {@code
 *     queueFold[code.queueOf(hash)]})
 */
record ActiveFirmware(
    Firmware firmware,
    FirmwareCode code,
    Protocol[] protocolOf,
    long generation,
    int[] queueFold,
    int[] queueByHash,
    int queueMask) {

  static ActiveFirmware compile(
      Firmware fw, FirmwareEngine engine, long generation, int nicQueues) {
    FirmwareCode code = engine.code(fw);
    Protocol[] protocolOf = new Protocol[fw.headers().size()];
    for (HeaderType h : fw.headers()) {
      protocolOf[h.id()] = h.protocol();
    }
    // Indirection entries are 0..queues-1 (validated); without RSS every frame is on queue 0.
    int[] fold = new int[fw.rss() == null ? 1 : fw.rss().queues()];
    for (int q = 0; q < fold.length; q++) {
      fold[q] = q % nicQueues;
    }
    int size = fw.rss() == null ? 1 : fw.rss().indirection().length;
    boolean pow2 = Integer.bitCount(size) == 1;
    int[] byHash = new int[pow2 ? size : 0];
    for (int h = 0; h < byHash.length; h++) { // hash h < size: the entry queueOf picks for h
      byHash[h] = fold[code.queueOf(h)];
    }
    return new ActiveFirmware(fw, code, protocolOf, generation, fold, byHash, pow2 ? size - 1 : -1);
  }

  /**
   * The NIC's queue for an RSS hash: {@code queueFold[code.queueOf(hash)]}, one load when it can.
   */
  int queueOf(int hash) {
    return queueMask >= 0 ? queueByHash[hash & queueMask] : queueFold[code.queueOf(hash)];
  }

  /**
   * By {@code hash & (length - 1)}: whether the frame's queue is one of {@code queues}; null when
   * {@code queues} is null or every queue, or the indirection table is not a power of two.
   */
  boolean[] fullSteerTable(boolean[] queues) {
    if (queues == null || queueMask < 0) {
      return null;
    }
    boolean[] full = new boolean[queueByHash.length];
    boolean all = true;
    for (int h = 0; h < full.length; h++) {
      int q = queueByHash[h];
      full[h] = q < queues.length && queues[q];
      all &= full[h];
    }
    return all ? null : full;
  }

  int metadataSize() {
    return code.metadataSize();
  }
}
