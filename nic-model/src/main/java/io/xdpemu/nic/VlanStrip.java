package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Protocol;
import io.xdpemu.nic.parse.ParseResult;

/**
 * rx-vlan-offload: the outer tag's 4 bytes go and the MAC addresses move up against the EtherType
 * that followed it (what the hardware does before DMA). The parse result is adjusted once, in the
 * steer stage; the queue removes the bytes while copying the frame into its buffer.
 */
final class VlanStrip {
  private VlanStrip() {}

  /** Copies {@code pkt} to {@code frame[data..]} without the tag at {@code tag}; the new length. */
  static int copy(byte[] pkt, int off, int len, byte[] frame, int data, int tag) {
    if (tag < 0) {
      System.arraycopy(pkt, off, frame, data, len);
      return len;
    }
    System.arraycopy(pkt, off, frame, data, tag - 2);
    System.arraycopy(pkt, off + tag + 2, frame, data + tag - 2, len - tag - 2);
    return len - 4;
  }

  /** Drops the stripped tag from the header stack and moves later offsets up by 4 bytes. */
  static void removeTag(ParseResult r, int tagOffset, Protocol[] protocolOf) {
    int w = 0;
    for (int i = 0; i < r.count; i++) {
      if (r.offset[i] == tagOffset
          && r.level[i] == 0
          && w == i
          && protocolOf[r.type[i]] == Protocol.VLAN) {
        continue;
      }
      r.type[w] = r.type[i];
      r.offset[w] = r.offset[i] > tagOffset ? r.offset[i] - 4 : r.offset[i];
      r.length[w] = r.length[i];
      r.level[w] = r.level[i];
      w++;
    }
    r.count = w;
    r.packetLength -= 4;
    r.l3Offset = shift(r.l3Offset, tagOffset);
    r.l4Offset = shift(r.l4Offset, tagOffset);
    r.innerL3Offset = shift(r.innerL3Offset, tagOffset);
    r.innerL4Offset = shift(r.innerL4Offset, tagOffset);
    r.payloadOffset = shift(r.payloadOffset, tagOffset);
    if (r.errorOffset > tagOffset) {
      r.errorOffset -= 4;
    }
  }

  private static int shift(int offset, int tagOffset) {
    return offset > tagOffset ? offset - 4 : offset;
  }
}
