package io.xdpemu.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import org.junit.jupiter.api.Test;

/** Kernel rules pinned one by one, on programs written in assembler. */
class VerifierBehaviourTest {
  static final MapDefinition HASH =
      new MapDefinition("h", 1, 4, 8, 16, 0, 0, 0, 0, null, null, null, false);
  static final MapDefinition ARRAY =
      new MapDefinition("a", 2, 4, 8, 4, 0, 0, 0, 0, null, null, null, false);
  static final MapDefinition RINGBUF =
      new MapDefinition("rb", 27, 0, 0, 4096, 0, 0, 0, 0, null, null, null, false);

  /** Assembles and marks every lddw whose immediate is 0xfd (a placeholder) as map {@code m}. */
  static Insn[] asm(String text) {
    Insn[] insns = Assembler.assemble(text);
    for (int i = 0; i < insns.length; i++) {
      if (insns[i].opcode() == Opcodes.LD_IMM64 && insns[i].imm() == 0xfd) {
        insns[i] = insns[i].withSrc(Opcodes.PSEUDO_MAP_FD);
      }
    }
    return insns;
  }

  static ProgramInfo withMap(MapDefinition m) {
    return new ProgramInfo() {
      @Override
      public LdImm64Target ldImm64(int pc) {
        return new LdImm64Target(0, m, -1);
      }
    };
  }

  static VerifierResult root(String text) {
    return Verifier.verify(asm(text), VerifierOptions.privileged(ProgramInfo.NONE).withLogLevel(2));
  }

  static VerifierResult root(String text, MapDefinition m) {
    return Verifier.verify(asm(text), VerifierOptions.privileged(withMap(m)).withLogLevel(2));
  }

  static VerifierResult unpriv(String text) {
    return Verifier.verify(
        asm(text), VerifierOptions.unprivileged(ProgramInfo.NONE).withLogLevel(2));
  }

  static void assertRejected(VerifierResult r, String lastLine) {
    assertFalse(r.accepted(), r.log());
    String[] lines = r.errorMessage().split("\n");
    assertEquals(lastLine, lines[lines.length - 1], r.log());
  }

  static void assertAccepted(VerifierResult r) {
    assertTrue(r.accepted(), r.log());
    assertTrue(r.log().endsWith(r.statsLine() + "\n"), r.log());
  }

  static final String PARSE_ETH =
      "ldxw %r2, [%r1+4]\n"
          + "ldxw %r1, [%r1+0]\n"
          + "mov %r0, 2\n"
          + "mov %r3, %r1\n"
          + "add %r3, 14\n";

  @Test
  void rejectsPacketReadWithoutDataEndCheck() {
    VerifierResult r = root("ldxw %r1, [%r1+0]\nldxb %r0, [%r1+12]\nexit");
    assertFalse(r.accepted());
    assertEquals(
        "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
            + "R1 offset is outside of the packet",
        r.errorMessage());
  }

  @Test
  void acceptsReadsWithinRangeProvenByDataEnd() {
    assertAccepted(root(PARSE_ETH + "jgt %r3, %r2, +1\nldxh %r0, [%r1+12]\nexit"));
  }

  @Test
  void rejectsReadOneBytePastTheProvenRange() {
    assertRejected(
        root(PARSE_ETH + "jgt %r3, %r2, +1\nldxb %r0, [%r1+14]\nexit"),
        "R1 offset is outside of the packet");
  }

  @Test
  void learnsRangeWhenPacketEndIsTheLeftOperand() {
    assertAccepted(root(PARSE_ETH + "jlt %r2, %r3, +1\nldxh %r0, [%r1+12]\nexit"));
    assertAccepted(root(PARSE_ETH + "jge %r2, %r3, +1\nexit\nldxh %r0, [%r1+12]\nexit"));
  }

  @Test
  void metaPointerNeedsCheckAgainstData() {
    String prog =
        "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+8]\nmov %r0, 2\nmov %r4, %r3\nadd %r4, 4\n"
            + "jgt %r4, %r2, +1\nldxw %r0, [%r3+0]\nexit";
    assertAccepted(root(prog));
    assertRejected(
        root("ldxw %r3, [%r1+8]\nldxw %r0, [%r3+0]\nexit"), "R3 offset is outside of the packet");
  }

  @Test
  void writesToContextAreRejected() {
    assertRejected(
        root("stw [%r1+0], 1\nmov %r0, 0\nexit"), "invalid bpf_context access off=0 size=4");
    assertRejected(root("ldxh %r0, [%r1+0]\nexit"), "invalid bpf_context access off=0 size=2");
  }

  @Test
  void unboundedScalarCannotMovePacketPointer() {
    String prog = "ldxw %r2, [%r1+0]\nldxdw %r3, [%r10-8]\nadd %r2, %r3\n" + "mov %r0, 0\nexit";
    VerifierResult r = root(prog);
    assertFalse(r.accepted(), r.log());
    assertTrue(r.errorMessage().contains("pointer and register with unbounded min value"), r.log());
  }

  @Test
  void nullCheckTurnsMapValueOrNullIntoMapValue() {
    String lookup = "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, 0xfd\ncall 1\n";
    assertRejected(
        root(lookup + "ldxdw %r0, [%r0+0]\nexit", HASH),
        "R0 invalid mem access 'map_value_or_null'");
    assertAccepted(root(lookup + "jeq %r0, 0, +1\nldxdw %r0, [%r0+0]\nmov %r0, 2\nexit", HASH));
  }

  @Test
  void arrayLookupWithConstantKeyInRangeIsNotNull() {
    String lookup = "stw [%r10-8], 1\nmov %r2, %r10\nadd %r2, -8\nlddw %r1, 0xfd\ncall 1\n";
    assertAccepted(root(lookup + "ldxdw %r0, [%r0+0]\nexit", ARRAY));
    // an unaligned 4-byte store is STACK_MISC, not a tracked constant: the kernel keeps _or_null
    assertRejected(
        root(lookup.replace("-8", "-4") + "ldxdw %r0, [%r0+0]\nexit", ARRAY),
        "R0 invalid mem access 'map_value_or_null'");
    assertRejected(
        root(lookup + "ldxdw %r0, [%r0+8]\nexit", ARRAY),
        "R0 min value is outside of the allowed memory range");
  }

  @Test
  void helperArgumentMustBeMemory() {
    VerifierResult r = root("ldxw %r2, [%r1+16]\nlddw %r1, 0xfd\ncall 1\nmov %r0, 0\nexit", HASH);
    assertRejected(
        r,
        "R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf,"
            + " trusted_ptr_");
  }

  @Test
  void uninitializedStackReadIsRootOnly() {
    String prog = "ldxdw %r0, [%r10-8]\nmov %r0, 0\nexit";
    assertAccepted(root(prog));
    assertRejected(unpriv(prog), "invalid read from stack R10 off=-8 size=8");
  }

  @Test
  void returningAPointerLeaksOnlyWithoutPerfmon() {
    String prog = "ldxw %r0, [%r1+0]\nexit";
    assertAccepted(root(prog));
    assertRejected(unpriv(prog), "R0 leaks addr as return value");
  }

  @Test
  void packetPointersDieWhenTheHelperChangesPacketData() {
    String prog =
        "mov %r6, %r1\nldxw %r2, [%r1+4]\nldxw %r7, [%r1+0]\nmov %r3, %r7\nadd %r3, 14\n"
            + "jgt %r3, %r2, +5\nmov %r1, %r6\nmov %r2, 0\ncall 44\nldxb %r0, [%r7+12]\nexit\n"
            + "mov %r0, 2\nexit";
    assertRejected(root(prog), "R7 invalid mem access 'scalar'");
    assertRejected(unpriv(prog), "R7 !read_ok");
  }

  @Test
  void packetPointersSurviveAFailedTailCallAsOnLinux618() {
    String prog =
        "ldxw %r2, [%r1+4]\nldxw %r7, [%r1+0]\nmov %r3, %r7\nadd %r3, 14\njgt %r3, %r2, +6\n"
            + "lddw %r2, 0xfd\nmov %r3, 0\ncall 12\nldxb %r0, [%r7+12]\nexit\nmov %r0, 2\nexit";
    MapDefinition progs = new MapDefinition("jmp", 3, 4, 4, 4, 0, 0, 0, 0, null, null, null, false);
    assertAccepted(root(prog, progs));
  }

  @Test
  void variablePacketOffsetIsPrivileged() {
    String prog =
        "ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\nmov %r0, 2\nmov %r3, %r1\nadd %r3, 34\n"
            + "jgt %r3, %r2, +7\nldxb %r3, [%r1+14]\nand %r3, 60\nadd %r1, %r3\n"
            + "mov %r3, %r1\nadd %r3, 8\njgt %r3, %r2, +1\nldxh %r0, [%r1+2]\nexit";
    assertAccepted(root(prog));
    assertRejected(
        unpriv(prog),
        "R1 has pointer with unsupported alu operation, pointer arithmetic with it prohibited for"
            + " !root");
  }

  /**
   * Linux 6.18 (bpf_prog_load as CAP_BPF + CAP_NET_ADMIN, 2026-11-25): the dead branch is verified
   * as a speculative path; its unsafe load gets a nospec barrier instead of failing the program
   * (do_check, error_recoverable_with_nospec), the message stays in the log, 5 insns processed.
   */
  @Test
  void unprivilegedLoadersAlsoVerifyTheSpeculativelyTakenDeadBranch() {
    String prog = "mov %r0, 0\njeq %r0, 0, +1\nldxdw %r0, [%r0+0]\nmov %r0, 2\nexit";
    assertAccepted(root(prog));
    VerifierResult r = unpriv(prog);
    assertTrue(r.accepted(), r.log());
    assertEquals(5, r.insnProcessed(), r.log());
    assertTrue(
        r.log().contains("2: (79) r0 = *(u64 *)(r0 +0)\nR0 invalid mem access 'scalar'\n"),
        r.log());
    assertTrue(
        r.log().contains("from 1 to 2 (speculative execution): R0=scalar() R1=ctx() R10=fp0"),
        r.log());
  }

  @Test
  void detectsALoopThatNeverChangesState() {
    VerifierResult r = root("mov %r0, 2\nadd %r0, 0\njeq %r0, 2, -2\nexit");
    assertRejected(r, "infinite loop detected at insn 1");
    assertEquals(10, r.insnProcessed());
  }

  @Test
  void boundedLoopIsSimulatedToTheEnd() {
    VerifierResult r =
        root(
            "mov %r0, 0\nmov %r1, 0\nadd %r0, %r1\nadd %r1, 1\njlt %r1, 100, -3\nmov %r0, 0\nexit");
    assertAccepted(r);
    assertTrue(r.insnProcessed() > 300, r.statsLine());
  }

  @Test
  void stopsAtTheProcessedInstructionBudget() {
    Insn[] insns = asm("ldxw %r1, [%r1+16]\nmov %r0, 0\nadd %r0, 1\njne %r0, %r1, -2\nexit");
    VerifierResult r = Verifier.verify(insns, new VerifierOptions(true, 1, ProgramInfo.NONE, 1000));
    assertRejected(r, "BPF program is too large. Processed 1001 insn");
  }

  @Test
  void divisionByRegisterZeroIsAllowedButNotByConstantZero() {
    assertAccepted(root("ldxw %r1, [%r1+16]\nmov %r0, 10\ndiv %r0, %r1\nexit"));
    assertRejected(root("mov %r0, 10\ndiv %r0, 0\nexit"), "div by zero");
  }

  @Test
  void readingAnUninitializedRegisterIsRejected() {
    assertRejected(root("mov %r0, %r2\nexit"), "R2 !read_ok");
    assertRejected(root("exit"), "R0 !read_ok");
  }

  @Test
  void staticSubprogramIsVerifiedInTheCallersContext() {
    String prog =
        "ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\ncall local f\nexit\n"
            + "f:\nmov %r0, 0\nmov %r3, %r1\nadd %r3, 14\njgt %r3, %r2, +1\nldxb %r0, [%r1+13]\nexit";
    assertAccepted(root(prog));
  }

  @Test
  void globalFunctionIsVerifiedOnceAgainstItsPrototypeAndInvalidatesPacketPointers() {
    String prog =
        "ldxw %r2, [%r1+4]\nldxw %r7, [%r1+0]\nmov %r3, %r7\nadd %r3, 14\njgt %r3, %r2, +3\n"
            + "call local g\nldxb %r0, [%r7+12]\nexit\nmov %r0, 2\nexit\n"
            + "g:\nmov %r2, 0\ncall 44\nexit";
    ProgramInfo info =
        new ProgramInfo() {
          @Override
          public java.util.List<FunctionInfo> functions() {
            return java.util.List.of(
                new FunctionInfo(
                    10, "g", true, java.util.List.of(ArgKind.CTX), java.util.List.of(0), true));
          }
        };
    VerifierResult r = Verifier.verify(asm(prog), VerifierOptions.privileged(info).withLogLevel(2));
    assertRejected(r, "R7 invalid mem access 'scalar'");
    assertTrue(r.log().contains("Func#1 ('g') is global and assumed valid."), r.log());
    VerifierResult ok =
        Verifier.verify(
            asm(prog.replace("ldxb %r0, [%r7+12]", "mov %r0, 1")),
            VerifierOptions.privileged(info).withLogLevel(2));
    assertAccepted(ok);
    assertTrue(
        ok.log().contains("Func#1 ('g') is safe for any args that match its prototype"), ok.log());
  }

  @Test
  void bpfLoopCallbackMustReturnZeroOrOne() {
    String ok =
        "mov %r1, 4\nlddw %r2, 0\nmov %r3, 0\nmov %r4, 0\ncall 181\nmov %r0, 2\nexit\n"
            + "cb:\nmov %r0, 0\nexit";
    Insn[] insns = asm(ok);
    insns[1] = new Insn(Opcodes.LD_IMM64, 2, Opcodes.PSEUDO_FUNC, 0, 8 - 1 - 1);
    VerifierResult r = Verifier.verify(insns, VerifierOptions.privileged(ProgramInfo.NONE));
    assertTrue(r.accepted(), r.log());
    insns = asm(ok.replace("cb:\nmov %r0, 0", "cb:\nmov %r0, 2"));
    insns[1] = new Insn(Opcodes.LD_IMM64, 2, Opcodes.PSEUDO_FUNC, 0, 8 - 1 - 1);
    r = Verifier.verify(insns, VerifierOptions.privileged(ProgramInfo.NONE));
    assertFalse(r.accepted(), r.log());
    assertTrue(r.errorMessage().startsWith("At callback return the register R0"), r.log());
  }

  @Test
  void ringbufReservationMustBeSubmitted() {
    String reserve = "lddw %r1, 0xfd\nmov %r2, 8\nmov %r3, 0\ncall 131\n";
    assertAccepted(
        root(
            reserve + "jeq %r0, 0, +3\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 2\nexit",
            RINGBUF));
    assertRejected(
        root(reserve + "jeq %r0, 0, +2\nmov %r0, 2\nexit\nmov %r0, 2\nexit", RINGBUF),
        "BPF_EXIT instruction in main prog would lead to reference leak");
  }

  @Test
  void socketFromLookupIsReadableAfterNullCheckAndMustBeReleased() {
    String prog =
        "stdw [%r10-16], 0\nstdw [%r10-8], 0\nmov %r2, %r10\nadd %r2, -16\nmov %r3, 12\n"
            + "mov %r4, -1\nmov %r5, 0\ncall 84\njeq %r0, 0, +3\nldxw %r6, [%r0+72]\n"
            + "mov %r1, %r0\ncall 86\nmov %r0, 2\nexit";
    assertAccepted(root(prog));
    assertRejected(
        root(prog.replace("[%r0+72]", "[%r0+100]")), "R0 invalid sock access off=100 size=4");
    assertRejected(
        root(prog.replace("mov %r1, %r0\ncall 86\n", "mov %r1, %r0\nmov %r1, 0\n")),
        "BPF_EXIT instruction in main prog would lead to reference leak");
  }

  @Test
  void helperNotAvailableToXdpIsRefused() {
    assertRejected(
        root("call 14\nmov %r0, 0\nexit"),
        "program of this type cannot use helper bpf_get_current_pid_tgid#14");
    assertRejected(
        unpriv("mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nmov %r3, 0\ncall 113\nmov %r0, 0\nexit"),
        "program of this type cannot use helper bpf_probe_read_kernel#113");
  }

  @Test
  void unreachableAndOutOfRangeCodeIsRefused() {
    assertRejected(root("mov %r0, 0\nexit\nmov %r0, 1\nexit"), "unreachable insn 2");
    assertRejected(root("mov %r0, 0\nja +5\nexit"), "jump out of range from insn 1 to 7");
  }

  @Test
  void levelTwoLogShowsStatesAfterEachInstruction() {
    VerifierResult r = root("ldxw %r2, [%r1+0]\nmov %r0, 2\nexit");
    assertTrue(r.log().contains("0: R1=ctx() R10=fp0\n"), r.log());
    assertTrue(
        r.log().contains("0: (61) r2 = *(u32 *)(r1 +0)          ; R1=ctx() R2=pkt(r=0)\n"),
        r.log());
    assertTrue(r.log().contains("1: (b7) r0 = 2                        ; R0=2\n"), r.log());
  }
}
