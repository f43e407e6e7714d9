package io.xdpemu.nic.firmware;

import java.util.List;

/**
 * A loaded, validated firmware: everything the NIC needs to parse, classify, hash and describe a
 * frame, with every name already resolved to an index. Read by {@link FirmwareLoader}; immutable,
 * so a running NIC can swap one for another with a single reference write.
 *
 * @param mode PREPEND writes the metadata block before the packet (data_meta = data - size); KERNEL
 *     leaves data_meta == data and answers only through the XDP metadata kfuncs
 * @param metadata the metadata layout, null in KERNEL mode
 * @param descriptor the RX descriptor layout (never null: a default is used when not given)
 * @param ptypeEnum name of the C enum listing the packet types (exported in BTF), or null
 * @param defaultPtypeName enumerator suffix for the default packet type (e.g. "unknown")
 */
public record Firmware(
    String source,
    String name,
    String version,
    Mode mode,
    int maxDepth,
    int metaMax,
    List<HeaderType> headers,
    List<ParseState> states,
    int start,
    List<PtypeRule> ptypes,
    long defaultPtype,
    String ptypeEnum,
    String defaultPtypeName,
    RssConfig rss,
    boolean checksumL3,
    boolean checksumL4,
    boolean vlanStrip,
    List<FlowMarkRule> flowMarks,
    Layout metadata,
    Layout descriptor,
    int ringSize) {

  /** Where the NIC's RX results go (see FIRMWARE.md "mode"). */
  public enum Mode {
    PREPEND,
    KERNEL
  }

  public HeaderType header(String headerName) {
    for (HeaderType h : headers) {
      if (h.name().equals(headerName)) {
        return h;
      }
    }
    return null;
  }

  /** Size of the metadata block written before the packet: 0 in kernel mode. */
  public int metadataSize() {
    return metadata == null ? 0 : metadata.size();
  }

  /** The ptype value of the rule named {@code ruleName}, or -1. */
  public long ptypeOf(String ruleName) {
    for (PtypeRule r : ptypes) {
      if (r.name().equals(ruleName)) {
        return r.ptype();
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return name + " " + version + " (" + source + ")";
  }
}
