package io.xdpemu.runtime;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfKind;
import io.xdpemu.ebpf.core.CoreRelocationRecords;
import io.xdpemu.ebpf.core.CoreRelocator;
import io.xdpemu.ebpf.core.CoreTarget;
import io.xdpemu.ebpf.core.RelocatedProgram;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Insn;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * CO-RE of one object against one target BTF, each program relocated at most once: libbpf relocates
 * an object once per load (bpf_object__relocate), and so does a load here - the program, every
 * tail-call target that fills a PROG_ARRAY slot (however many slots name it) and what {@code
 * verify}/{@code disasm} show all come from this one relocation. A firmware swap makes a new one
 * against the new target.
 */
final class ObjectRelocation {
  private final BpfObject obj;
  private final Supplier<Btf> targetSource;
  private Btf target;
  private CoreTarget core;
  private final Map<String, RelocatedProgram> done = new HashMap<>();

  ObjectRelocation(BpfObject obj, Btf target) {
    this(obj, () -> target);
    Objects.requireNonNull(target, "target BTF (TargetBtf.of)");
  }

  /**
   * {@code target} is read on first need only (a CO-RE record or a kernel function to resolve): the
   * host's BTF takes longer to parse than a small program takes to verify.
   */
  ObjectRelocation(BpfObject obj, Supplier<Btf> target) {
    this.obj = Objects.requireNonNull(obj);
    this.targetSource = Objects.requireNonNull(target);
  }

  BpfObject object() {
    return obj;
  }

  Btf target() {
    if (target == null) {
      target = Objects.requireNonNull(targetSource.get(), "target BTF (TargetBtf.of)");
    }
    return target;
  }

  /** The target if something needed it so far, else null. */
  Btf targetIfRead() {
    return target;
  }

  private CoreTarget coreTarget() {
    if (core == null) {
      // Without CO-RE records the relocator never consults the target: do not read it.
      core = new CoreTarget(CoreRelocationRecords.of(obj).isEmpty() ? null : target());
    }
    return core;
  }

  /**
   * {@code spec} relocated (null when the object has no .BTF.ext), after checking, as libbpf's
   * bpf_object__resolve_externs does, that every kernel function the program calls exists in the
   * target BTF: a kfunc this kernel lacks ({@code bpf_xdp_flow_lookup} on 6.18) makes the object
   * unloadable.
   */
  RelocatedProgram core(ProgramSpec spec) {
    for (ProgramSpec.ExternReference e : spec.externs()) {
      if (e.kind() == ProgramSpec.ExternKind.FUNCTION
          && !e.weak()
          && target().find(e.name(), BtfKind.FUNC) < 0) {
        throw new ProgramRejectedException(
            obj.fileName()
                + ": extern (func ksym) '"
                + e.name()
                + "': not found in kernel or module BTFs");
      }
    }
    if (obj.btfExt() == null) {
      return null;
    }
    return done.computeIfAbsent(
        spec.name(), name -> CoreRelocator.relocate(obj, coreTarget(), name));
  }

  /** The instructions of {@code spec} as the verifier and the engines get them. */
  Insn[] insns(ProgramSpec spec) {
    RelocatedProgram r = core(spec);
    return r == null ? spec.insns() : r.insns();
  }
}
