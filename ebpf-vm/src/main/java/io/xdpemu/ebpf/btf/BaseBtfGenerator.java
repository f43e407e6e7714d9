package io.xdpemu.ebpf.btf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * Produces the bundled base BTF ({@code base-vmlinux.btf}) from a real vmlinux BTF: the types an
 * XDP program needs, with everything they embed, and named structs/unions reached only through a
 * pointer replaced by forward declarations (so {@code struct xdp_rxq_info *} does not drag in
 * {@code struct net_device} and half the kernel). Types keep vmlinux's relative order; ids are
 * renumbered densely.
 *
 * <p>Regenerate (from the repository root, on a machine with kernel BTF):
 *
 * <pre>
 * mvn -q -B -o compile -pl ebpf-vm
 * java -cp ebpf-vm/target/classes io.xdpemu.ebpf.btf.BaseBtfGenerator \
 *     /sys/kernel/btf/vmlinux ebpf-vm/src/main/resources/io/xdpemu/ebpf/btf/base-vmlinux.btf
 * </pre>
 */
public final class BaseBtfGenerator {
  private BaseBtfGenerator() {}

  /** Kind + name of every root; absent ones are reported and skipped (older kernels). */
  static final List<String[]> ROOTS =
      List.of(
          // XDP context, buffers, frames and RX metadata
          new String[] {"STRUCT", "xdp_md"},
          new String[] {"STRUCT", "xdp_buff"},
          new String[] {"STRUCT", "xdp_frame"},
          new String[] {"STRUCT", "xdp_rxq_info"},
          new String[] {"STRUCT", "xdp_txq_info"},
          new String[] {"STRUCT", "xdp_metadata_ops"},
          new String[] {"STRUCT", "xsk_tx_metadata"},
          new String[] {"ENUM", "xdp_action"},
          new String[] {"ENUM", "xdp_rss_hash_type"},
          new String[] {"ENUM", "xdp_rx_metadata"},
          new String[] {"ENUM", "netdev_xdp_rx_metadata"},
          new String[] {"ENUM", "xdp_mem_type"},
          // packet headers
          new String[] {"STRUCT", "ethhdr"},
          new String[] {"STRUCT", "vlan_hdr"},
          new String[] {"STRUCT", "vlan_ethhdr"},
          new String[] {"STRUCT", "arphdr"},
          new String[] {"STRUCT", "iphdr"},
          new String[] {"STRUCT", "ipv6hdr"},
          new String[] {"STRUCT", "ipv6_opt_hdr"},
          new String[] {"STRUCT", "frag_hdr"},
          new String[] {"STRUCT", "tcphdr"},
          new String[] {"STRUCT", "udphdr"},
          new String[] {"STRUCT", "icmphdr"},
          new String[] {"STRUCT", "icmp6hdr"},
          new String[] {"STRUCT", "gre_base_hdr"},
          new String[] {"STRUCT", "in6_addr"},
          new String[] {"STRUCT", "in_addr"},
          // helper-related uapi types
          new String[] {"ENUM", "bpf_func_id"},
          new String[] {"ENUM", "bpf_map_type"},
          new String[] {"ENUM", "bpf_prog_type"},
          new String[] {"ENUM", "bpf_attach_type"},
          new String[] {"STRUCT", "bpf_fib_lookup"},
          new String[] {"STRUCT", "bpf_sock_tuple"},
          new String[] {"STRUCT", "bpf_spin_lock"},
          new String[] {"STRUCT", "bpf_timer"},
          new String[] {"STRUCT", "bpf_dynptr"},
          new String[] {"STRUCT", "bpf_list_head"},
          new String[] {"STRUCT", "bpf_list_node"},
          new String[] {"STRUCT", "bpf_rb_root"},
          new String[] {"STRUCT", "bpf_rb_node"},
          new String[] {"STRUCT", "bpf_refcount"},
          new String[] {"STRUCT", "bpf_ct_opts"},
          new String[] {"STRUCT", "bpf_redir_neigh"},
          new String[] {"STRUCT", "bpf_tunnel_key"},
          // XDP metadata kfuncs (FUNC + FUNC_PROTO, with their DECL_TAGs)
          new String[] {"FUNC", "bpf_xdp_metadata_rx_timestamp"},
          new String[] {"FUNC", "bpf_xdp_metadata_rx_hash"},
          new String[] {"FUNC", "bpf_xdp_metadata_rx_vlan_tag"},
          // common integer typedefs
          new String[] {"TYPEDEF", "__u8"},
          new String[] {"TYPEDEF", "__s8"},
          new String[] {"TYPEDEF", "__u16"},
          new String[] {"TYPEDEF", "__s16"},
          new String[] {"TYPEDEF", "__u32"},
          new String[] {"TYPEDEF", "__s32"},
          new String[] {"TYPEDEF", "__u64"},
          new String[] {"TYPEDEF", "__s64"},
          new String[] {"TYPEDEF", "__be16"},
          new String[] {"TYPEDEF", "__be32"},
          new String[] {"TYPEDEF", "__be64"},
          new String[] {"TYPEDEF", "__sum16"},
          new String[] {"TYPEDEF", "__wsum"},
          new String[] {"TYPEDEF", "u8"},
          new String[] {"TYPEDEF", "u16"},
          new String[] {"TYPEDEF", "u32"},
          new String[] {"TYPEDEF", "u64"},
          new String[] {"TYPEDEF", "s32"},
          new String[] {"TYPEDEF", "s64"},
          new String[] {"TYPEDEF", "bool"},
          new String[] {"INT", "long unsigned int"},
          new String[] {"INT", "long int"},
          new String[] {"INT", "char"});

  /** Extracts the subset; {@code log} receives one line per missing root. */
  public static Btf extract(Btf vmlinux, PrintStream log) {
    // old id -> kept as full definition (true) or as a forward declaration (false)
    TreeMap<Integer, Boolean> keep = new TreeMap<>();
    Deque<int[]> work = new ArrayDeque<>(); // {id, weak}
    for (String[] root : ROOTS) {
      int id = vmlinux.find(root[1], BtfKind.valueOf(root[0]));
      if (id < 0) {
        log.println("base BTF: " + root[0] + " " + root[1] + " not in vmlinux, skipped");
        continue;
      }
      work.push(new int[] {id, 0});
    }
    while (!work.isEmpty()) {
      int[] item = work.pop();
      visit(vmlinux, item[0], item[1] != 0, keep, work);
    }
    // decl tags on kept functions and types (e.g. "bpf_kfunc" on the metadata kfuncs)
    for (int id = 1; id < vmlinux.typeCount(); id++) {
      RawType r = vmlinux.raw(id);
      if (r.kind() == BtfKind.DECL_TAG && Boolean.TRUE.equals(keep.get(r.sizeOrType()))) {
        keep.put(id, true);
      }
    }
    int[] newId = new int[vmlinux.typeCount()];
    int next = 1;
    for (int id : keep.keySet()) {
      newId[id] = next++;
    }
    BtfBuilder b = BtfBuilder.standalone();
    for (var e : keep.entrySet()) {
      int id = e.getKey();
      if (e.getValue()) {
        b.addCopy(vmlinux, id, x -> newId[x]);
      } else {
        b.addFwd(vmlinux.typeName(id), vmlinux.kind(id) == BtfKind.UNION);
      }
    }
    return b.build();
  }

  /** Marks {@code id}; named composites reached through a pointer become forward declarations. */
  private static void visit(
      Btf btf, int id, boolean weak, TreeMap<Integer, Boolean> keep, Deque<int[]> work) {
    if (id == 0 || Boolean.TRUE.equals(keep.get(id))) {
      return;
    }
    RawType r = btf.raw(id);
    BtfKind k = r.kind();
    boolean composite = k == BtfKind.STRUCT || k == BtfKind.UNION;
    if (weak && composite && r.nameOff() != 0) {
      keep.putIfAbsent(id, false);
      return;
    }
    keep.put(id, true);
    int[] d = r.data();
    switch (k) {
      case PTR:
        work.push(new int[] {r.sizeOrType(), 1});
        break;
      case STRUCT:
      case UNION:
        for (int i = 0; i < r.vlen(); i++) {
          work.push(new int[] {d[3 * i + 1], weak ? 1 : 0});
        }
        break;
      case ARRAY:
        work.push(new int[] {d[0], weak ? 1 : 0});
        work.push(new int[] {d[1], 0});
        break;
      case FUNC_PROTO:
        work.push(new int[] {r.sizeOrType(), weak ? 1 : 0});
        for (int i = 0; i < r.vlen(); i++) {
          work.push(new int[] {d[2 * i + 1], weak ? 1 : 0});
        }
        break;
      case DATASEC:
        for (int i = 0; i < r.vlen(); i++) {
          work.push(new int[] {d[3 * i], 0});
        }
        break;
      default:
        if (k != null && k.hasTypeRef()) {
          work.push(new int[] {r.sizeOrType(), weak ? 1 : 0});
        }
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: BaseBtfGenerator VMLINUX_BTF OUT_FILE");
      System.exit(2);
    }
    Btf vmlinux = Btf.read(Path.of(args[0]));
    Btf base = extract(vmlinux, System.err);
    byte[] bytes = base.toBytes();
    Files.write(Path.of(args[1]), bytes);
    System.err.println(
        "base BTF: "
            + (base.typeCount() - 1)
            + " types of "
            + (vmlinux.typeCount() - 1)
            + ", "
            + bytes.length
            + " bytes -> "
            + args[1]);
  }
}
