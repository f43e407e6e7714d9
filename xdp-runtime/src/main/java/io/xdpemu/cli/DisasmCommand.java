package io.xdpemu.cli;

import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.btf.BtfFuncSignature;
import io.xdpemu.ebpf.core.AppliedCoreRelocation;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.isa.Disassembler;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.runtime.LoadOptions;
import io.xdpemu.runtime.LoadPipeline;
import io.xdpemu.runtime.TargetBtf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xdpemu disasm PROG.o}: the program after loading and CO-RE in {@code bpftool prog dump
 * xlated} notation; map loads print as bpftool prints them ({@code map[id:N]}, {@code
 * map[id:N][0]+off} for global data; N is the map's id in xdpemu, 1 + its index in the object), the
 * .BTF.ext source line of each line_info record as bpftool prints it ({@code ; text}, with {@code
 * --linum} {@code [file:F line_num:L line_col:C]}), every applied CO-RE relocation as a {@code ;
 * CO-RE ...} comment before its instruction, and each function's start as its BTF signature ({@code
 * int f(struct xdp_md * ctx):}) or, without BTF, {@code name:}.
 */
@Command(
    name = "disasm",
    description =
        "The program after loading and CO-RE, in the kernel's (bpftool prog dump xlated)"
            + " notation.")
final class DisasmCommand extends Subcommand {
  @Parameters(paramLabel = "PROG.o", description = "the BPF object")
  String object;

  @Option(names = "--linum", description = "source comments carry [file:F line_num:L line_col:C]")
  boolean linum;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    LoadOptions o = common.load(object);
    LoadPipeline.Relocated r = LoadPipeline.relocate(o, TargetBtf.of(o));
    Map<Integer, String> maps = new HashMap<>();
    for (ProgramSpec.MapReference m : r.spec().mapReferences()) {
      maps.put(
          m.pc(), "map[id:" + (m.mapIndex() + 1) + "]" + (m.value() ? "[0]+" + m.offset() : ""));
    }
    Map<Integer, String> kfuncs = new HashMap<>();
    for (ProgramSpec.ExternReference e : r.spec().externs()) {
      kfuncs.put(e.pc(), e.name());
    }
    Map<Integer, List<String>> comments = new HashMap<>();
    // .BTF.ext line info, one comment per record at its instruction (bpftool's dump_xlated_plain
    // with btf_dump_linfo_plain; the Disassembler adds the "; ").
    for (ProgramSpec.LineInfoAt l : r.spec().lineInfo()) {
      comments
          .computeIfAbsent(l.pc(), k -> new ArrayList<>())
          .add(l.info().bpftoolComment(linum).substring(2));
    }
    if (r.core() != null) {
      for (AppliedCoreRelocation c : r.core().applied()) {
        comments
            .computeIfAbsent(c.pc(), k -> new ArrayList<>())
            .add("CO-RE " + c.localSpec() + ": " + c.patch());
      }
    }
    // Function headers: the BTF signature as bpftool prints func_info (btf_dumper_type_only),
    // the symbol name where the object has no BTF for it.
    Map<Integer, String> functions = new HashMap<>();
    Btf btf = r.object().types();
    if (btf != null) {
      for (ProgramSpec.FuncInfoAt f : r.spec().funcInfo()) {
        String sig = BtfFuncSignature.of(btf, f.typeId());
        if (sig != null && !sig.isEmpty()) {
          functions.put(f.pc(), sig);
        }
      }
    }
    for (ProgramSpec.CodeSegment s : r.spec().segments()) {
      functions.putIfAbsent(s.pc(), s.function());
    }
    Disassembler d =
        new Disassembler(
            new Disassembler.Resolver() {
              @Override
              public String kfuncName(int pc, Insn insn) {
                return kfuncs.get(pc);
              }

              @Override
              public String ldImm64(int pc, Insn insn, Insn next) {
                return maps.get(pc);
              }

              @Override
              public List<String> comments(int pc) {
                return comments.getOrDefault(pc, List.of());
              }

              @Override
              public String functionHeader(int pc) {
                return functions.get(pc);
              }
            });
    for (String line : d.listing(r.insns())) {
      out.println(line);
    }
    return 0;
  }
}
