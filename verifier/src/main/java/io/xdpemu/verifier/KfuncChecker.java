package io.xdpemu.verifier;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.btf.BtfType;
import java.util.List;
import java.util.Map;

/**
 * Calls of the conntrack kfuncs (net/netfilter/nf_conntrack_bpf.c), checked like the kernel's
 * {@code check_kfunc_call()} / {@code check_kfunc_args()}: the arguments and the return value come
 * from the function's prototype in the kernel's BTF ({@link ProgramInfo#kernelBtf()}), the flags
 * from the kernel's registration ({@code BTF_ID_FLAGS}), which BTF does not carry:
 *
 * <pre>
 *   bpf_xdp_ct_alloc, bpf_xdp_ct_lookup,
 *   bpf_skb_ct_alloc, bpf_skb_ct_lookup       KF_ACQUIRE | KF_RET_NULL
 *   bpf_ct_insert_entry                       KF_ACQUIRE | KF_RET_NULL | KF_RELEASE
 *   bpf_ct_release                            KF_RELEASE
 *   bpf_ct_set_timeout, bpf_ct_change_timeout,
 *   bpf_ct_set_status, bpf_ct_change_status,
 *   bpf_ct_set_nat_info                       KF_TRUSTED_ARGS
 * </pre>
 *
 * An acquired {@code struct nf_conn} is a reference (released by a KF_RELEASE kfunc, or dropped on
 * the NULL branch of its check); one still held at exit is the kernel's "Unreleased reference".
 * Arguments: a pointer to the program's context type; a pointer to {@code nf_conn} / {@code
 * nf_conn___init} (exactly that type, not NULL, at offset 0; referenced for release and trusted
 * arguments); memory followed by its {@code name__sz} size; other pointers as memory of the
 * pointee's size; scalars.
 */
final class KfuncChecker {
  static final int ACQUIRE = 1;
  static final int RET_NULL = 2;
  static final int RELEASE = 4;
  static final int TRUSTED_ARGS = 8;

  private static final Map<String, Integer> FLAGS =
      Map.ofEntries(
          Map.entry("bpf_xdp_ct_alloc", ACQUIRE | RET_NULL),
          Map.entry("bpf_xdp_ct_lookup", ACQUIRE | RET_NULL),
          Map.entry("bpf_skb_ct_alloc", ACQUIRE | RET_NULL),
          Map.entry("bpf_skb_ct_lookup", ACQUIRE | RET_NULL),
          Map.entry("bpf_ct_insert_entry", ACQUIRE | RET_NULL | RELEASE),
          Map.entry("bpf_ct_release", RELEASE),
          Map.entry("bpf_ct_set_timeout", TRUSTED_ARGS),
          Map.entry("bpf_ct_change_timeout", TRUSTED_ARGS),
          Map.entry("bpf_ct_set_status", TRUSTED_ARGS),
          Map.entry("bpf_ct_change_status", TRUSTED_ARGS),
          Map.entry("bpf_ct_set_nat_info", TRUSTED_ARGS));

  private final Verifier env;
  private final HelperArgChecker args;

  KfuncChecker(Verifier env, HelperArgChecker args) {
    this.env = env;
    this.args = args;
  }

  /** True when {@code name} is a kfunc this class checks. */
  static boolean handles(String name) {
    return FLAGS.containsKey(name);
  }

  /** The checks and effects of one call; returns the reference id it releases (0 if none). */
  int check(String name, int idx) {
    Btf btf = env.info.kernelBtf();
    int fid = btf == null ? -1 : btf.find(name, BtfKind.FUNC);
    if (fid < 0 || !(btf.type(btf.type(fid).ref()) instanceof BtfType.FuncProto proto)) {
      throw env.reject("calling kernel function " + name + " is not allowed");
    }
    int flags = FLAGS.get(name);
    List<BtfType.Param> params = proto.params();
    int released = 0;
    for (int i = 0; i < params.size(); i++) {
      int regno = i + 1;
      RegState r = env.alu.srcReg(regno);
      BtfType t = btf.resolveType(params.get(i).type());
      if (!(t instanceof BtfType.Ptr ptr)) {
        if (r.type != RegType.SCALAR) {
          throw env.reject("R" + regno + " is not a scalar");
        }
        continue;
      }
      BtfType pointee = btf.resolveType(ptr.type());
      String pname = pointee.name() == null ? "" : pointee.name();
      if (pname.equals("xdp_md") || pname.equals("__sk_buff")) {
        if (r.type != RegType.PTR_TO_CTX || !pname.equals("xdp_md")) {
          throw env.reject(
              "arg#" + i + " expected pointer to ctx, but got " + StateFormatter.typeName(r));
        }
      } else if (pname.equals("nf_conn") || pname.equals("nf_conn___init")) {
        checkConnArg(name, i, regno, r, pname, flags);
        if ((flags & RELEASE) != 0 && i == 0) {
          released = r.refObjId;
        }
      } else {
        long size = memSize(btf, params, i, pointee);
        if (!HelperArgChecker.isMemType(r)) {
          throw env.reject(
              "arg#"
                  + i
                  + " pointer type STRUCT "
                  + pname
                  + " must point to scalar, or struct with scalar");
        }
        // check_mem_reg() / check_kfunc_mem_size_reg(): the memory is read, then written (so
        // stack bytes become unknown data), and a __sz companion is relied on after each access
        boolean sized = i + 1 < params.size() && params.get(i + 1).name().endsWith("__sz");
        args.helperMemAccess(regno, r, size, false, true, null);
        if (sized) {
          env.precision.markReg(regno + 1);
        }
        args.helperMemAccess(regno, r, size, true, true, null);
        if (sized) {
          env.precision.markReg(regno + 1);
        }
      }
    }
    return released;
  }

  /** The size of memory argument {@code i}: its {@code __sz} companion, else the pointee's. */
  private long memSize(Btf btf, List<BtfType.Param> params, int i, BtfType pointee) {
    if (i + 1 < params.size() && params.get(i + 1).name().endsWith("__sz")) {
      RegState sz = env.alu.srcReg(i + 2);
      if (sz.type != RegType.SCALAR || !sz.varOff.isConst()) {
        throw env.reject("R" + (i + 2) + " is not a const");
      }
      return sz.varOff.value();
    }
    return btf.sizeOf(pointee.id());
  }

  private void checkConnArg(String fn, int i, int regno, RegState r, String want, int flags) {
    if (r.type != RegType.PTR_TO_BTF_ID || r.maybeNull) {
      throw env.reject(
          "arg#"
              + i
              + " pointer type STRUCT "
              + want
              + " must point to scalar, or struct with scalar");
    }
    if (!want.equals(r.btfName)) {
      throw env.reject(
          "kernel function "
              + fn
              + " args#"
              + i
              + " expected pointer to STRUCT "
              + want
              + " but R"
              + regno
              + " has a pointer to STRUCT "
              + r.btfName);
    }
    if (r.off != 0 || !r.varOff.isConst() || r.varOff.value() != 0) {
      throw env.reject("R" + regno + " must have zero offset when passed to release func");
    }
    if (r.refObjId == 0 && (flags & (RELEASE | TRUSTED_ARGS)) != 0) {
      throw env.reject("R" + regno + " must be referenced or trusted");
    }
  }

  /** R0 after the call: void, a scalar, or an nf_conn pointer (maybe NULL, acquired). */
  void setReturn(String name, int idx) {
    Btf btf = env.info.kernelBtf();
    BtfType.FuncProto proto =
        (BtfType.FuncProto) btf.type(btf.type(btf.find(name, BtfKind.FUNC)).ref());
    RegState r0 = env.cur.regs()[0];
    if (proto.returnType() == 0) {
      r0.markNotInit();
      return;
    }
    BtfType ret = btf.resolveType(proto.returnType());
    if (!(ret instanceof BtfType.Ptr p)) {
      r0.markUnknown();
      return;
    }
    int flags = FLAGS.get(name);
    RegState ptr = RegState.pointer(RegType.PTR_TO_BTF_ID);
    ptr.btfName = btf.resolveType(p.type()).name();
    ptr.maybeNull = (flags & RET_NULL) != 0;
    if (ptr.maybeNull) {
      ptr.id = env.newId(); // check_kfunc_call(): the NULL-check id comes first ...
    }
    if ((flags & ACQUIRE) != 0) {
      ptr.id = env.newId(); // ... then acquire_reference() takes another, used for both
      ptr.refObjId = ptr.id;
      env.cur.cur().refs.add(new int[] {ptr.id, idx});
    }
    r0.assign(ptr);
  }
}
