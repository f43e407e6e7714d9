package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;

/**
 * The XDP RX-metadata kfuncs (net/core/xdp.c), registered by name; the loader resolves a {@code
 * call} with src 2 through the target BTF to these names. In the kernel they exist only for
 * device-bound programs and dispatch to the driver's xdp_metadata_ops; xdpemu runs every program as
 * if bound to the simulated NIC, whose answers come from {@link ExecutionContext#rxMetadata}. A
 * driver that implements the op but has no value for this frame returns -ENODATA (-61), which is
 * what these return when the NIC does not provide the value. (The kernel's generic fallback, for a
 * device without the op, is -EOPNOTSUPP; xdpemu's NIC implements all three.)
 *
 * <ul>
 *   <li>{@code int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp)}
 *   <li>{@code int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash, enum
 *       xdp_rss_hash_type *rss_type)} (see {@link XdpRssHashType})
 *   <li>{@code int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto, __u16
 *       *vlan_tci)}: the protocol in network byte order, the TCI in host order
 * </ul>
 */
final class Kfuncs {
  private Kfuncs() {}

  static void register(HelperRegistry reg) {
    reg.registerKfunc(
        "bpf_xdp_metadata_rx_timestamp",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpHelpers.xdp(ctx, r1);
          long[] out = new long[2];
          if (!ctx.rxMetadata.rxTimestamp(out)) {
            return -Errno.ENODATA;
          }
          HelperMemory.writeU64(ctx, r2, out[0]);
          return 0;
        });
    reg.registerKfunc(
        "bpf_xdp_metadata_rx_hash",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpHelpers.xdp(ctx, r1);
          long[] out = new long[2];
          if (!ctx.rxMetadata.rxHash(out)) {
            return -Errno.ENODATA;
          }
          HelperMemory.writeU32(ctx, r2, out[0]);
          HelperMemory.writeU32(ctx, r3, out[1]);
          return 0;
        });
    reg.registerKfunc(
        "bpf_xdp_metadata_rx_vlan_tag",
        (ctx, r1, r2, r3, r4, r5) -> {
          XdpHelpers.xdp(ctx, r1);
          long[] out = new long[2];
          if (!ctx.rxMetadata.rxVlanTag(out)) {
            return -Errno.ENODATA;
          }
          HelperMemory.write(ctx, r2, new byte[] {(byte) (out[0] >>> 8), (byte) out[0]});
          HelperMemory.write(ctx, r3, new byte[] {(byte) out[1], (byte) (out[1] >>> 8)});
          return 0;
        });
  }
}
