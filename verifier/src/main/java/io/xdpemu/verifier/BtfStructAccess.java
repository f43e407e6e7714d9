package io.xdpemu.verifier;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;

/**
 * Loads and stores through a PTR_TO_BTF_ID (the {@code struct nf_conn} the conntrack kfuncs
 * return): {@code btf_struct_access()} for reads - inside the struct as the kernel's BTF lays it
 * out; the value read is an unknown scalar (a pointer member would be an untrusted PTR_TO_BTF_ID in
 * the kernel: xdpemu is stricter there) - and nf_conntrack_bpf.c's {@code
 * _nf_conntrack_btf_struct_access()} for writes, which allows only {@code mark}.
 */
final class BtfStructAccess {
  private BtfStructAccess() {}

  static void check(Verifier env, RegState reg, int off, int size, boolean write) {
    Btf btf = env.info.kernelBtf();
    BtfType t = btf == null ? null : btf.findType(reg.btfName, BtfKind.STRUCT);
    if (!(t instanceof BtfType.Struct st)) {
      throw env.reject("R? invalid mem access '" + StateFormatter.typeName(reg) + "'");
    }
    if (write) {
      Btf.MemberPath mark = btf.findMember(st.id(), "mark");
      long end = mark == null ? -1 : mark.byteOffset() + 4;
      if (mark == null || off != mark.byteOffset()) {
        throw env.reject("no write support to nf_conn at off " + off);
      }
      if (off + size > end) {
        throw env.reject(
            "write access at off "
                + off
                + " with size "
                + size
                + " beyond the member of nf_conn ended at "
                + end);
      }
      return;
    }
    if (off < 0 || off + size > st.size()) {
      throw env.reject("access beyond struct " + st.name() + " at off " + off + " size " + size);
    }
  }
}
