package io.xdpemu.runtime.report;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.runtime.XdpAction;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code report.html} shows of a replay, aggregated while the packets pass, in memory that
 * does not grow with the capture: actions and bytes over capture time and per-queue counts ({@link
 * TimeSeries}), packet sizes, verdicts by packet type, each metadata field's distribution per
 * firmware, and where the firmware changed. {@link #packet} is called by the output stage for every
 * packet in input order (one thread) and allocates nothing, except the first time a firmware is
 * met. The page itself ({@link ReportPage}) only draws these bounded arrays, so it opens as fast
 * for a million packets as for ten.
 */
public final class ReplayReport {
  /** Packet size buckets: upper bounds (inclusive) in bytes; the last bucket is open. */
  static final int[] SIZE_BOUNDS = {63, 64, 127, 255, 511, 1023, 1518};

  static final String[] SIZE_LABELS = {
    "<64", "64", "65-127", "128-255", "256-511", "512-1023", "1024-1518", ">1518"
  };

  /** A firmware change seen in the packet stream: the first packet the new firmware received. */
  record FirmwareChange(long index, long timestampNs, Firmware firmware) {}

  private final int queues;
  final TimeSeries actions = new TimeSeries(XdpAction.COUNT + 1); // + bytes
  final TimeSeries perQueue;
  final long[] sizes = new long[SIZE_LABELS.length];
  final PtypeVerdicts ptypes = new PtypeVerdicts();
  final List<MetadataFields> metadata = new ArrayList<>();
  final List<FirmwareChange> changes = new ArrayList<>();
  private Firmware lastFirmware;
  private MetadataFields lastFields;
  private int lastFirmwareIndex;

  public ReplayReport(int queues) {
    this.queues = queues;
    this.perQueue = new TimeSeries(queues);
  }

  int queues() {
    return queues;
  }

  /**
   * One packet, as the output stage sees it.
   *
   * @param ptype the packet type the NIC gave it (-1 without firmware)
   * @param firmware the firmware that received it (null without firmware)
   * @param meta the metadata block the NIC wrote ({@code metaLength} bytes; 0 when not kept)
   */
  public void packet(
      long index,
      long timestampNs,
      int queue,
      int length,
      int action,
      long ptype,
      Firmware firmware,
      byte[] meta,
      int metaLength) {
    actions.add(timestampNs, action, 1);
    actions.add(timestampNs, XdpAction.COUNT, length);
    perQueue.add(timestampNs, queue, 1);
    int s = 0;
    while (s < SIZE_BOUNDS.length && length > SIZE_BOUNDS[s]) {
      s++;
    }
    sizes[s]++;
    if (firmware == null) {
      return;
    }
    if (firmware != lastFirmware) {
      if (lastFirmware != null) {
        changes.add(new FirmwareChange(index, timestampNs, firmware));
      }
      lastFirmware = firmware;
      lastFields = fieldsOf(firmware);
      lastFirmwareIndex = metadata.indexOf(lastFields);
    }
    // Packet type numbers are the firmware's own: the row is per firmware and type.
    ptypes.add((long) lastFirmwareIndex << 48 | (ptype & 0xffff_ffff_ffffL), action);
    lastFields.add(meta, metaLength, ptype);
  }

  private MetadataFields fieldsOf(Firmware fw) {
    for (MetadataFields f : metadata) {
      if (f.firmware == fw) {
        return f;
      }
    }
    MetadataFields f = new MetadataFields(fw);
    metadata.add(f);
    return f;
  }
}
