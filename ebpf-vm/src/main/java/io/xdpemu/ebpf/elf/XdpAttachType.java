package io.xdpemu.ebpf.elf;

/**
 * The {@code expected_attach_type} libbpf gives an XDP program, chosen from its section name the
 * way libbpf's section table does ({@code xdp/devmap}, {@code xdp.frags/devmap}, the legacy {@code
 * xdp_devmap/...}, and the cpumap equivalents). The kernel lets only {@link #DEVMAP} programs read
 * {@code xdp_md.egress_ifindex} (xdp_is_valid_access() in net/core/filter.c).
 */
public enum XdpAttachType {
  /** BPF_XDP: attached to a device's RX path. */
  XDP,
  /** BPF_XDP_DEVMAP: run by a devmap entry on a redirected frame, before transmission. */
  DEVMAP,
  /** BPF_XDP_CPUMAP: run by a cpumap entry on the remote CPU. */
  CPUMAP;

  /** The attach type libbpf derives from {@code section}. */
  public static XdpAttachType ofSection(String section) {
    return switch (section) {
      case "xdp/devmap", "xdp.frags/devmap" -> DEVMAP;
      case "xdp/cpumap", "xdp.frags/cpumap" -> CPUMAP;
      default -> {
        if (section.startsWith("xdp_devmap/")) {
          yield DEVMAP;
        }
        if (section.startsWith("xdp_cpumap/")) {
          yield CPUMAP;
        }
        yield XDP;
      }
    };
  }
}
