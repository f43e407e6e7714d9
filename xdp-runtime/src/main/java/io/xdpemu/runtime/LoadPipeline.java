package io.xdpemu.runtime;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.btf.Btf;
import io.xdpemu.ebpf.core.RelocatedProgram;
import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.helpers.Fib;
import io.xdpemu.ebpf.helpers.FibJson;
import io.xdpemu.ebpf.helpers.HelperEnvironment;
import io.xdpemu.ebpf.helpers.Helpers;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.maps.MapsJson;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.TrapException;
import io.xdpemu.verifier.ObjectProgramInfo;
import io.xdpemu.verifier.ProgramInfo;
import io.xdpemu.verifier.Verifier;
import io.xdpemu.verifier.VerifierOptions;
import io.xdpemu.verifier.VerifierResult;
import java.util.List;

/**
 * From an object file to a runnable program, in the order libbpf and the kernel do it:
 *
 * <pre>
 *  ELF (BpfObjectReader) ─► CO-RE relocation against the target BTF ({@link TargetBtf} chose it)
 *    ─► maps created (+ --map-init) ─► ld_imm64 / kfunc linkage
 *    ─► verifier (unless --no-verify) ─► engine (interpreter)
 * </pre>
 *
 * Maps are created once per {@link Loaded}; {@link #relink} runs the program-specific stages again
 * against another target BTF with the same maps (a firmware swap keeps map state, as the kernel
 * keeps maps across a program replace).
 */
public final class LoadPipeline {
  private LoadPipeline() {}

  /** Instructions one run of an unverified program may execute (BPF_COMPLEXITY_LIMIT_INSNS). */
  public static final long UNVERIFIED_BUDGET = 1_000_000L;

  /**
   * A loaded program and everything it needs at run time.
   *
   * @param cpus possible CPUs = RX queues (one slot per queue in per-CPU maps)
   */
  public record Loaded(
      LoadOptions options,
      BpfObject object,
      ProgramSpec spec,
      Btf targetBtf,
      RegionRegistry regions,
      MapRegistry maps,
      HelperRegistry helpers,
      Program program,
      Executable executable,
      VerifierResult verdict,
      Fib fib,
      int cpus) {

    /**
     * One execution context per RX queue: CPU id = queue, seeded prandom per queue. A queue beyond
     * {@link #cpus} would give the program a CPU id the verifier ruled out: refused.
     */
    public ExecutionContext newContext(int queue) {
      if (queue < 0 || queue >= cpus) {
        throw new IllegalArgumentException(
            "queue " + queue + " outside the " + cpus + " CPUs the program was verified for");
      }
      ExecutionContext ctx = new ExecutionContext(regions);
      ctx.cpu = queue;
      ctx.prngState ^= 0x9E3779B97F4A7C15L * (queue + 1);
      ctx.services = maps;
      return ctx;
    }

    /**
     * The program as an {@link XdpRunner}: r1 = the xdp_md context. An unverified program
     * (--no-verify) gets an instruction budget per run, so that a loop the verifier would have
     * refused ends in a trap (XDP_ABORTED) instead of hanging the replay.
     */
    public XdpRunner runner() {
      Executable exe = executable;
      long budget = verdict == null ? UNVERIFIED_BUDGET : Long.MAX_VALUE;
      return ctx -> {
        ctx.budget = budget;
        return exe.run(ctx, ExecutionContext.contextPointer());
      };
    }

    public String describe() {
      return spec.name() + " (" + options.object() + ")";
    }

    /**
     * Which ifindexes name devices a redirect may reach: the --fib interfaces, or any when no FIB
     * was given (xdp_do_redirect's dev_get_by_index_rcu).
     */
    public java.util.function.IntPredicate devices() {
      return fib.interfaces().isEmpty() ? i -> i > 0 : i -> fib.byIfindex(i) != null;
    }

    /** Every map (global data under its section name) as maps.json, one line. */
    public String mapsJson() {
      return RunOutputs.mapsJson(maps, object);
    }
  }

  /**
   * Loads {@code o.object()}'s program for {@code cpus} CPUs, CO-RE relocated against {@code
   * target} (chosen by {@link TargetBtf}).
   */
  public static Loaded load(LoadOptions o, int cpus, Btf target) {
    return load(o, cpus, target, 0);
  }

  /**
   * As {@link #load(LoadOptions, int, Btf)}, with every map declared with {@code max_entries 0}
   * (but a PERF_EVENT_ARRAY, which libbpf sizes) given {@code userSizedEntries} entries, as the
   * tool shipping such an object does before loading it; 0 leaves them as declared (refused).
   */
  public static Loaded load(LoadOptions o, int cpus, Btf target, int userSizedEntries) {
    BpfObject obj = BpfObjectReader.read(o.object());
    ProgramSpec spec = obj.program(o.program());
    RegionRegistry regions = new RegionRegistry();
    MapRegistry maps = new MapRegistry(regions, cpus);
    for (MapDefinition d : obj.maps()) {
      boolean userSized =
          userSizedEntries > 0 && d.maxEntries() == 0 && d.type() != MapType.PERF_EVENT_ARRAY;
      maps.create(userSized ? d.withMaxEntries(userSizedEntries) : d);
    }
    // bpf_spin_lock fields from the value BTF (enables BPF_F_LOCK, as btf_parse_fields does).
    io.xdpemu.ebpf.maps.SpecialFields.apply(obj.types(), maps);
    Fib fib = o.fib() == null ? Fib.empty() : FibJson.read(o.fib());
    if (o.fib() != null) {
      maps.setDevices(ifindex -> fib.byIfindex(ifindex) != null);
    }
    HelperRegistry helpers = Helpers.registry(new HelperEnvironment(maps, fib));
    if (o.mapInit() != null) {
      MapsJson.apply(JsonFiles.read(o.mapInit()), maps);
    }
    return finish(o, spec, new ObjectRelocation(obj, target), regions, maps, helpers, fib, cpus);
  }

  /**
   * The program stages again against another target BTF (chosen by {@link TargetBtf}), keeping
   * {@code from}'s maps.
   */
  public static Loaded relink(Loaded from, Btf target) {
    return finish(
        from.options(),
        from.spec(),
        new ObjectRelocation(from.object(), target),
        from.regions(),
        from.maps(),
        from.helpers(),
        from.fib(),
        from.cpus());
  }

  /**
   * The program after ELF loading and CO-RE, before maps exist: what {@code verify} and {@code
   * disasm} show.
   *
   * @param target the target BTF; null when it was not needed (see {@link #relocate})
   * @param core the CO-RE outcome (applied relocations, poisoned slots), null without .BTF.ext
   */
  public record Relocated(
      BpfObject object, ProgramSpec spec, Btf target, Insn[] insns, RelocatedProgram core) {}

  /** ELF and CO-RE against {@code target} (chosen by {@link TargetBtf}) only. */
  public static Relocated relocate(LoadOptions o, Btf target) {
    return relocate(o, () -> target, true);
  }

  /**
   * As {@link #relocate(LoadOptions, Btf)} with the target read only if the program needs it (CO-RE
   * records or a kernel function): the default target, the running kernel's BTF (~5 MB, 126k
   * types), takes longer to parse than a small program takes to verify. {@code target} of the
   * result is null when it was not read.
   */
  public static Relocated relocate(LoadOptions o, java.util.function.Supplier<Btf> target) {
    return relocate(o, target, false);
  }

  private static Relocated relocate(
      LoadOptions o, java.util.function.Supplier<Btf> target, boolean readTarget) {
    BpfObject obj = BpfObjectReader.read(o.object());
    ProgramSpec spec = obj.program(o.program());
    ObjectRelocation relocation = new ObjectRelocation(obj, target);
    RelocatedProgram core = relocation.core(spec);
    Btf used = readTarget ? relocation.target() : relocation.targetIfRead();
    return new Relocated(obj, spec, used, relocation.insns(spec), core);
  }

  private static Loaded finish(
      LoadOptions o,
      ProgramSpec spec,
      ObjectRelocation relocation,
      RegionRegistry regions,
      MapRegistry maps,
      HelperRegistry helpers,
      Fib fib,
      int cpus) {
    BpfObject obj = relocation.object();
    RelocatedProgram core = relocation.core(spec);
    Insn[] insns = relocation.insns(spec);
    Program program = new Program(spec.name(), insns, helpers, linkage(obj, spec, maps, helpers));
    // PROG_ARRAY / map-in-map initial values (libbpf's init_prog_arrays / init_map_in_maps): the
    // tail-call targets are the object's other programs, relocated (once, by the same relocation)
    // and linked like this one; a program named by several slots is one Program.
    java.util.Map<String, Program> targets = new java.util.HashMap<>();
    targets.put(spec.name(), program);
    maps.applyInitialSlots(
        name ->
            targets.computeIfAbsent(
                name,
                n -> {
                  ProgramSpec s = obj.program(n);
                  return new Program(
                      s.name(), relocation.insns(s), helpers, linkage(obj, s, maps, helpers));
                }));
    VerifierResult verdict = null;
    if (o.verify()) {
      verdict = verify(o, obj, spec, insns, 1, cpus);
      if (!verdict.accepted()) {
        throw new ProgramRejectedException(
            obj.fileName()
                + ": program '"
                + spec.name()
                + "' rejected by the verifier: "
                + rejection(verdict, core)
                + " (see xdpemu verify)");
      }
    }
    Executable exe =
        engine(o.engine()).prepare(program, verdict == null ? ProgramFacts.NONE : verdict.facts());
    if (verdict != null) {
      prepareTailCallTargets(o, obj, targets, program, cpus);
    }
    return new Loaded(
        o,
        obj,
        spec,
        relocation.target(),
        regions,
        maps,
        helpers,
        program,
        exe,
        verdict,
        fib,
        cpus);
  }

  /**
   * jit (issue 13): the kernel verifies every program an object's prog arrays name when it loads
   * them; so does this, so that tail-call targets run with the verifier's facts as the program does
   * (proven accesses, bound calls, no metering). A target the verifier refuses keeps running as
   * before, unverified with every check (its verdict changes nothing else here).
   */
  private static void prepareTailCallTargets(
      LoadOptions o,
      BpfObject obj,
      java.util.Map<String, Program> targets,
      Program main,
      int cpus) {
    for (Program t : targets.values()) {
      if (t == main) {
        continue;
      }
      VerifierResult v;
      try {
        v = verify(o, obj, obj.program(t.name()), t.insns(), 0, cpus);
      } catch (io.xdpemu.ebpf.XdpemuException notVerifiable) {
        continue;
      }
      if (v.accepted()) {
        engine(o.engine()).prepare(t, v.facts());
      }
    }
  }

  /**
   * The verifier's last line, or, when it tripped over a poisoned CO-RE slot, libbpf's message for
   * it (bpf_core_format_spec: "failed to resolve CO-RE relocation ...").
   */
  public static String rejection(VerifierResult v, RelocatedProgram core) {
    String last = lastLine(v.errorMessage());
    if (core != null
        && last.contains("unknown#" + RelocatedProgram.POISON_IMM)
        && !core.poisoned().isEmpty()) {
      java.util.Map.Entry<Integer, String> first =
          new java.util.TreeMap<>(core.poisoned()).firstEntry();
      return "insn #" + first.getKey() + ": " + first.getValue();
    }
    return last;
  }

  static String lastLine(String s) {
    String t = s == null ? "" : s.strip();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1);
  }

  /**
   * Runs the verifier over the relocated program with what the loader resolved, as the kernel of
   * this host would (nr_cpu_ids = this host's possible CPUs).
   */
  public static VerifierResult verify(
      LoadOptions o, BpfObject obj, ProgramSpec spec, Insn[] insns, int logLevel) {
    return verify(o, obj, spec, insns, logLevel, VerifierOptions.hostPossibleCpus());
  }

  /**
   * Runs the verifier for a program that will run on {@code cpus} CPUs: its CPU id (= RX queue,
   * {@link Loaded#newContext}) is verified to be below {@code cpus}, so the two never disagree.
   */
  public static VerifierResult verify(
      LoadOptions o, BpfObject obj, ProgramSpec spec, Insn[] insns, int logLevel, int cpus) {
    VerifierOptions opts =
        (o.unprivileged()
                ? VerifierOptions.unprivileged(programInfo(o, obj, spec))
                : VerifierOptions.privileged(programInfo(o, obj, spec)))
            .withLogLevel(logLevel)
            .withNrCpuIds(cpus);
    return Verifier.verify(insns, opts);
  }

  /**
   * What the verifier needs from the loader: map references, kfunc names, the functions with their
   * BTF prototypes (global functions are verified once against them, as the kernel's
   * btf_prepare_func_args() does) and line info for the log's {@code ; source @ file.c:N} lines.
   * The pcs are those of {@code spec}: CO-RE rewrites instructions in place, never moves them.
   */
  static ProgramInfo programInfo(LoadOptions o, BpfObject obj, ProgramSpec spec) {
    return ObjectProgramInfo.lazy(obj, spec, () -> TargetBtf.base(o));
  }

  /**
   * {@code --engine}; the default is the fastest available, the JIT (which runs a program it cannot
   * compile in the interpreter by itself).
   */
  static Engine engine(String name) {
    return io.xdpemu.ebpf.engines.Engines.byName(name == null ? "jit" : name);
  }

  /**
   * The values of pseudo ld_imm64 (map handles, global-data pointers, function addresses) and the
   * helpers behind kfunc calls, as libbpf's bpf_object__relocate_data and the kernel's
   * resolve_pseudo_ldimm64 / add_kfunc_call would produce them.
   */
  static Linkage linkage(BpfObject obj, ProgramSpec spec, MapRegistry maps, HelperRegistry h) {
    int n = spec.insns().length;
    long[] values = new long[n];
    boolean[] linked = new boolean[n];
    BpfMap[] handles = new BpfMap[n];
    List<BpfMap> all = maps.all();
    for (ProgramSpec.MapReference r : spec.mapReferences()) {
      BpfMap m = all.get(r.mapIndex());
      if (r.value()) {
        if (!(m instanceof ArrayMap a)) {
          throw new ProgramRejectedException(
              obj.fileName()
                  + ": ld_imm64 at insn "
                  + r.pc()
                  + " takes the value address of map '"
                  + m.name()
                  + "', which is not an array");
        }
        values[r.pc()] = a.valuePointer(r.offset());
      } else {
        values[r.pc()] = m.handle();
        handles[r.pc()] = m;
      }
      linked[r.pc()] = true;
    }
    Helper[] kfuncs = new Helper[n];
    for (ProgramSpec.ExternReference e : spec.externs()) {
      if (e.kind() == ProgramSpec.ExternKind.FUNCTION) {
        kfuncs[e.pc()] = h.kfunc(e.name());
        if (kfuncs[e.pc()] == null && !e.weak()) {
          throw new ProgramRejectedException(
              obj.fileName() + ": kernel function '" + e.name() + "' is not supported by xdpemu");
        }
      }
    }
    Insn[] insns = spec.insns();
    for (int pc = 0; pc < n; pc++) {
      // BPF_PSEUDO_FUNC (src 4): the callback's instruction index, which the callback helpers use.
      if (insns[pc] != null && insns[pc].opcode() == 0x18 && insns[pc].src() == 4) {
        values[pc] = pc + 1L + insns[pc].imm();
        linked[pc] = true;
      }
    }
    return new Linkage() {
      @Override
      public long ldImm64(int pc) {
        if (pc < 0 || pc >= n || !linked[pc]) {
          throw new TrapException(pc, "ld_imm64 with a pseudo source was not linked");
        }
        return values[pc];
      }

      @Override
      public Helper kfunc(int pc) {
        return pc >= 0 && pc < n ? kfuncs[pc] : null;
      }

      @Override
      public Object map(int pc) {
        return pc >= 0 && pc < n ? handles[pc] : null;
      }
    };
  }
}
