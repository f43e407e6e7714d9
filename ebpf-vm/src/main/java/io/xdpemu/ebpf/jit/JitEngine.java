package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.InternalErrorException;
import io.xdpemu.ebpf.XdpemuException;
import io.xdpemu.ebpf.facts.MemoryFact;
import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.isa.Decoder;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.vm.DeadCode;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.Helper;
import io.xdpemu.ebpf.vm.Interpreter;
import io.xdpemu.ebpf.vm.Program;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.WeakHashMap;

/**
 * {@code --engine jit}: compiles each {@link Program} once to a hidden JVM class (cached while the
 * program lives) and runs that. A program the JIT cannot compile (a function whose bytecode would
 * exceed the JVM's 64 KB per method, or the constant pool limit) runs in the {@link Interpreter}
 * instead, transparently: same results, same traps, only slower. {@link #compiled} tells which.
 */
public final class JitEngine implements Engine {
  /** The engine instance {@code Engine.byName("jit")} returns. */
  public static final JitEngine INSTANCE = new JitEngine();

  private static final String CLASS_PREFIX = "io/xdpemu/ebpf/jit/Bpf_";

  private final Map<Program, Executable> cache = Collections.synchronizedMap(new WeakHashMap<>());

  private JitEngine() {}

  @Override
  public String name() {
    return "jit";
  }

  @Override
  public Executable prepare(Program program) {
    return prepare(program, ProgramFacts.NONE);
  }

  /**
   * Compiled with the verifier's facts: proven accesses go straight to the object's bytes. A
   * program already prepared keeps its first compilation (both are correct for it).
   */
  @Override
  public Executable prepare(Program program, ProgramFacts facts) {
    Executable e = cache.get(program);
    if (e == null) {
      e = compileOrInterpret(program, facts);
      cache.put(program, e);
    }
    return e;
  }

  /** Whether {@code executable} (from {@link #prepare}) is compiled code, not the fallback. */
  public static boolean compiled(Executable executable) {
    return executable instanceof JitProgram;
  }

  /**
   * The class file the JIT generates for {@code program} with {@code facts}, as {@link #prepare}
   * compiles it (for golden dumps of generated code); a {@link JitLimitException} when too large.
   */
  public static byte[] classFile(Program program, ProgramFacts facts) {
    Inputs in = new Inputs(program, facts);
    return in.compiler().compile(CLASS_PREFIX + javaName(program));
  }

  /** What one program's code is generated from, and what its JitProgram reads at run time. */
  private static final class Inputs {
    final ProgramFacts facts;
    final Insn[] insns;
    final long[] wide;
    final boolean[] deferred;
    final XdpemuException[] deferredTraps;
    final Helper[] kfuncs;
    final int[] kfuncIds;
    final Object[] boundMaps;
    final MapBinding[] bindings;
    final boolean[] tailBound;

    Inputs(Program program, ProgramFacts facts) {
      this.facts = facts;
      // Same refusal as the interpreter's; dead code sanitized first, as the kernel does.
      insns = Decoder.validate(DeadCode.sanitize(program.insns(), facts));
      int n = insns.length;
      wide = new long[n];
      deferred = new boolean[n];
      deferredTraps = new XdpemuException[n];
      kfuncs = new Helper[n];
      kfuncIds = new int[n];
      for (int pc = 0; pc < n; pc++) {
        Insn insn = insns[pc];
        if (insn.opcode() == Opcodes.LD_IMM64) {
          // The interpreter's predecode: the two imm halves, or the Linkage's value (pseudo srcs).
          wide[pc] = (insns[pc + 1].imm() & 0xffffffffL) << 32 | (insn.imm() & 0xffffffffL);
          if (insn.src() != 0) {
            try {
              wide[pc] = program.linkage().ldImm64(pc);
            } catch (XdpemuException e) {
              deferred[pc] = true;
              deferredTraps[pc] = e;
            }
          }
          pc++;
        } else if (insn.opcode() == Opcodes.CALL_OP && insn.src() == Opcodes.PSEUDO_KFUNC_CALL) {
          kfuncs[pc] = program.linkage().kfunc(pc);
          kfuncIds[pc] = insn.imm();
        }
      }
      boundMaps = new Object[n];
      bindings = MapBinding.bind(program, insns, facts, boundMaps);
      tailBound = TailCallBinding.bind(program, insns, facts, boundMaps);
    }

    JitCompiler compiler() {
      return new JitCompiler(insns, wide, deferred, facts, bindings, tailBound);
    }

    CodeKey key() {
      return new CodeKey(insns, deferred, wide, facts, bindings, tailBound);
    }
  }

  private Executable compileOrInterpret(Program program, ProgramFacts facts) {
    Inputs in = new Inputs(program, facts);
    CodeKey key = in.key();
    JitCode code;
    synchronized (classes) {
      code = classes.get(key);
      if (code == null) {
        try {
          code = define(in.compiler().compile(CLASS_PREFIX + javaName(program)), program);
        } catch (JitLimitException tooBig) {
          return Interpreter.forProgram(program, facts);
        }
        classes.put(key, code);
      }
    }
    JitProgram p =
        new JitProgram(
            program, in.wide, in.kfuncs, in.kfuncIds, in.deferredTraps, in.boundMaps, key, this);
    p.install(code);
    return p;
  }

  /**
   * Generated code by instruction words and facts: the code depends only on these (linked values,
   * helpers and kfuncs are read from the {@link JitProgram}), so programs loaded twice share one
   * class, and a warm-up run on one copy (as {@code test-run} does) warms the other. An entry lives
   * while a {@link JitProgram} holds its key.
   */
  private final Map<CodeKey, JitCode> classes = new WeakHashMap<>();

  static final class CodeKey {
    private final long[] words;
    private final int hash;

    CodeKey(
        Insn[] insns,
        boolean[] deferred,
        long[] wide,
        ProgramFacts facts,
        MapBinding[] bound,
        boolean[] tailBound) {
      int n = insns.length;
      words = new long[7 * n + 1];
      words[7 * n] = facts.verified() ? 1 : 0; // unmetered code only for verified programs
      for (int pc = 0; pc < n; pc++) {
        // a deferred (unlinked) ld_imm64 compiles to a throw: mark it in the unused high src bit
        words[pc] = insns[pc].encode() ^ (deferred[pc] ? 1L << 15 : 0);
        if (insns[pc].opcode() == Opcodes.LD_IMM64 && insns[pc].src() == Opcodes.PSEUDO_FUNC) {
          words[n + pc] = wide[pc]; // callback entries are compiled as functions
        }
        words[2 * n + pc] = MemoryFact.code(facts.access(pc)); // proven accesses compile apart
        // dead code compiles to a throw; a bound map call to a call of its class's method
        words[3 * n + pc] =
            (DeadCode.isDead(insns, facts, pc) ? 1 : 0)
                | (bound[pc] == null ? 0 : 2L + bound[pc].ordinal() * 4L)
                | (tailBound[pc] ? 1L << 40 : 0); // a tail call bound to its slot
        // constants the verifier proved are compiled in: the registers an instruction can read
        int[] readable = {insns[pc].dst(), insns[pc].src(), 3};
        for (int i = 0; i < readable.length; i++) {
          OptionalLong k = facts.constant(pc, readable[i]);
          if (k.isPresent()) {
            words[3 * n + pc] |= 1L << (32 + i);
            words[(4 + i) * n + pc] = k.getAsLong();
          }
        }
      }
      hash = Arrays.hashCode(words);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CodeKey && Arrays.equals(words, ((CodeKey) o).words);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** {@code -Dxdpemu.jit.dump=DIR} writes every generated class there (for javap -c -p). */
  private static final String DUMP_DIR = System.getProperty("xdpemu.jit.dump");

  private static JitCode define(byte[] classFile, Program program) {
    if (DUMP_DIR != null) {
      try {
        java.nio.file.Files.write(
            java.nio.file.Path.of(DUMP_DIR, "Bpf_" + javaName(program) + ".class"), classFile);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot dump jit class to " + DUMP_DIR, e);
      }
    }
    try {
      MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(classFile, true);
      return (JitCode)
          hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) { // a class the JVM refuses is a bug of ours: say which program
      throw new InternalErrorException("jit produced an invalid class for " + program.name(), e);
    }
  }

  /** The program name reduced to identifier characters (the class name shows in stack traces). */
  private static String javaName(Program program) {
    StringBuilder sb = new StringBuilder();
    for (char ch : program.name().toCharArray()) {
      sb.append(Character.isJavaIdentifierPart(ch) && ch < 128 ? ch : '_');
    }
    return sb.length() == 0 ? "prog" : sb.toString();
  }
}
