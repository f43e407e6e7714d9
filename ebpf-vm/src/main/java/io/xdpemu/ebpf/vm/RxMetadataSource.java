package io.xdpemu.ebpf.vm;

/**
 * What the NIC knows about the frame being processed, for the XDP RX-metadata kfuncs
 * (bpf_xdp_metadata_rx_timestamp / rx_hash / rx_vlan_tag, net/core/xdp.c). Each method returns
 * false when the NIC does not provide the value (the kfunc then returns -ENODATA).
 */
public interface RxMetadataSource {
  /** Stores the RX timestamp in ns into {@code out[0]}. */
  boolean rxTimestamp(long[] out);

  /** Stores the RSS hash into {@code out[0]} and its {@code enum xdp_rss_hash_type} into out[1]. */
  boolean rxHash(long[] out);

  /** Stores the VLAN protocol (network order value, e.g. 0x8100) in out[0] and TCI in out[1]. */
  boolean rxVlanTag(long[] out);

  RxMetadataSource NONE =
      new RxMetadataSource() {
        @Override
        public boolean rxTimestamp(long[] out) {
          return false;
        }

        @Override
        public boolean rxHash(long[] out) {
          return false;
        }

        @Override
        public boolean rxVlanTag(long[] out) {
          return false;
        }
      };
}
