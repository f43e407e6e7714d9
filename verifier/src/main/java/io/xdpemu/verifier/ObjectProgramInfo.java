package io.xdpemu.verifier;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfExt;
import io.xdpemu.ebpf.btf.BtfType;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.elf.XdpAttachType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link ProgramInfo} for a program loaded by the ELF loader: map references, kfunc names, the
 * functions with their BTF linkage and argument kinds (so global functions are verified once
 * against their prototype, as {@code btf_prepare_func_args()} does), and line info for the {@code ;
 * source @ file.c:N} lines of the log.
 */
public final class ObjectProgramInfo implements ProgramInfo {
  private static final int BTF_FUNC_GLOBAL = 1;

  private final ProgramSpec spec;

  /** The kernel's BTF, read on first use (only kfunc calls and BTF pointers need it). */
  private final Supplier<Btf> kernelBtfSource;

  private Btf kernelBtf;
  private boolean kernelBtfRead;
  private final LdImm64Target[] targets;
  private final String[] kfuncs;
  private final List<FunctionInfo> functions = new ArrayList<>();

  private ObjectProgramInfo(BpfObject obj, ProgramSpec spec, Supplier<Btf> kernelBtf) {
    this.spec = spec;
    this.kernelBtfSource = kernelBtf;
    int n = spec.insns().length;
    targets = new LdImm64Target[n];
    for (ProgramSpec.MapReference r : spec.mapReferences()) {
      if (r.pc() >= 0 && r.pc() < n) {
        targets[r.pc()] =
            new LdImm64Target(
                r.mapIndex(), obj.maps().get(r.mapIndex()), r.value() ? r.offset() : -1);
      }
    }
    kfuncs = new String[n];
    for (ProgramSpec.ExternReference e : spec.externs()) {
      if (e.kind() == ProgramSpec.ExternKind.FUNCTION && e.pc() >= 0 && e.pc() < n) {
        kfuncs[e.pc()] = e.name();
      }
    }
    Btf btf = obj.types();
    if (btf != null) {
      for (ProgramSpec.FuncInfoAt fi : spec.funcInfo()) {
        BtfType t = btf.type(fi.typeId());
        if (t instanceof BtfType.Func f) {
          functions.add(describe(btf, fi.pc(), f));
        }
      }
    }
  }

  /** Builds the verifier's view of {@code spec}, one program of {@code obj}. */
  public static ProgramInfo of(BpfObject obj, ProgramSpec spec) {
    return new ObjectProgramInfo(obj, spec, () -> null);
  }

  /** The same, with the kernel's BTF for kfunc prototypes. */
  public static ProgramInfo of(BpfObject obj, ProgramSpec spec, Btf kernelBtf) {
    return new ObjectProgramInfo(obj, spec, () -> kernelBtf);
  }

  /**
   * As {@link #of(BpfObject, ProgramSpec, Btf)}, with the kernel's BTF read only if the verifier
   * asks for it: parsing vmlinux's BTF costs more than verifying a small program.
   */
  public static ProgramInfo lazy(BpfObject obj, ProgramSpec spec, Supplier<Btf> kernelBtf) {
    return new ObjectProgramInfo(obj, spec, kernelBtf);
  }

  private static FunctionInfo describe(Btf btf, int pc, BtfType.Func f) {
    boolean global = f.linkage() == BTF_FUNC_GLOBAL && pc != 0;
    List<ArgKind> kinds = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    boolean scalarReturn = true;
    // A static function is verified in its caller's context: its prototype does not matter (a
    // callback's may even name a forward-declared struct bpf_map).
    if (global && btf.type(f.type()) instanceof BtfType.FuncProto proto) {
      BtfType ret = btf.resolveType(proto.returnType());
      scalarReturn =
          proto.returnType() == 0
              || ret instanceof BtfType.Int
              || ret instanceof BtfType.Enumeration;
      for (BtfType.Param p : proto.params()) {
        BtfType t = btf.resolveType(p.type());
        if (t instanceof BtfType.Int || t instanceof BtfType.Enumeration) {
          kinds.add(ArgKind.SCALAR);
          sizes.add(0);
        } else if (t instanceof BtfType.Ptr ptr) {
          BtfType target = btf.resolveType(ptr.type());
          if (target instanceof BtfType.Struct s && s.name().equals("xdp_md")) {
            kinds.add(ArgKind.CTX);
            sizes.add(0);
          } else {
            long size = pointeeSize(btf, ptr.type());
            kinds.add(size > 0 ? ArgKind.MEM : ArgKind.UNSUPPORTED);
            sizes.add((int) size);
          }
        } else {
          kinds.add(ArgKind.UNSUPPORTED);
          sizes.add(0);
        }
      }
    }
    return new FunctionInfo(pc, f.name(), global, kinds, sizes, scalarReturn);
  }

  /**
   * Size of what a pointer argument points to, 0 when it has none (void, a forward declaration):
   * btf_prepare_func_args() then finds no sized memory behind it.
   */
  private static long pointeeSize(Btf btf, int type) {
    BtfType target = btf.resolveType(type);
    if (target instanceof BtfType.Void || target instanceof BtfType.Fwd) {
      return 0;
    }
    try {
      return btf.sizeOf(btf.resolve(type));
    } catch (IllegalArgumentException unsized) {
      return 0;
    }
  }

  @Override
  public LdImm64Target ldImm64(int pc) {
    return pc >= 0 && pc < targets.length ? targets[pc] : null;
  }

  @Override
  public List<FunctionInfo> functions() {
    return functions;
  }

  @Override
  public String kfuncName(int pc) {
    return pc >= 0 && pc < kfuncs.length ? kfuncs[pc] : null;
  }

  @Override
  public Btf kernelBtf() {
    if (!kernelBtfRead) {
      kernelBtf = kernelBtfSource.get();
      kernelBtfRead = true;
    }
    return kernelBtf;
  }

  @Override
  public XdpAttachType attachType() {
    return spec.attachType();
  }

  @Override
  public String name() {
    return spec.name();
  }

  /**
   * The text of {@link #lineInfo} per pc, made on first use in one pass over the (ascending)
   * line_info records: the log asks once per processed instruction, and a search per call showed up
   * in profiles. Null when the records are not in ascending order (then each call searches).
   */
  private String[] lineText;

  private boolean lineTextDone;

  @Override
  public String lineInfo(int pc) {
    if (!lineTextDone) {
      lineText = lineTexts();
      lineTextDone = true;
    }
    if (lineText != null) {
      return pc >= 0 && pc < lineText.length ? lineText[pc] : null;
    }
    return text(spec.lineAt(pc));
  }

  private String[] lineTexts() {
    List<ProgramSpec.LineInfoAt> records = spec.lineInfo();
    String[] out = new String[spec.insns().length];
    for (int k = 0; k < records.size(); k++) {
      int from = records.get(k).pc();
      if (k > 0 && records.get(k - 1).pc() > from) {
        return null;
      }
      int to = k + 1 < records.size() ? records.get(k + 1).pc() : out.length;
      String text = text(records.get(k).info());
      for (int pc = Math.max(0, from); pc < Math.min(to, out.length); pc++) {
        out[pc] = text;
      }
    }
    return out;
  }

  private static String text(BtfExt.LineInfo li) {
    if (li == null) {
      return null;
    }
    String file = li.fileName();
    int slash = file.lastIndexOf('/');
    return li.sourceLine().stripLeading()
        + " @ "
        + (slash >= 0 ? file.substring(slash + 1) : file)
        + ":"
        + li.line();
  }
}
