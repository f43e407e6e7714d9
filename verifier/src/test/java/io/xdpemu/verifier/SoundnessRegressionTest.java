package io.xdpemu.verifier;

import static io.xdpemu.verifier.VerifierBehaviourTest.assertAccepted;
import static io.xdpemu.verifier.VerifierBehaviourTest.assertRejected;
import static io.xdpemu.verifier.VerifierBehaviourTest.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import org.junit.jupiter.api.Test;

/**
 * False acceptances and rejections found by the generated-program differential against the kernel's
 * verifier (issue 14), one test per class. Every expected verdict and message was taken from Linux
 * 6.18 (BPF_PROG_LOAD as root, XDP, through {@code src/test/c/verifier-batch.c}).
 */
class SoundnessRegressionTest {
  /** An array map (key 4, value 16, one entry), as the differential's generator creates. */
  static final MapDefinition ARRAY16 =
      new MapDefinition("a", 2, 4, 16, 1, 0, 0, 0, 0, null, null, null, false);

  static final String LOOKUP =
      "stw [%r10-4], 0\n"
          + "mov %r2, %r10\n"
          + "add %r2, -4\n"
          + "lddw %r1, 0xfd\n"
          + "call 1\n"
          + "jne %r0, 0, +2\n"
          + "mov %r0, 0\n"
          + "exit\n";

  // ------------------------------------------------------------ alignment (check_ptr_alignment)

  @Test
  void rejectsMisalignedStackStore() {
    assertRejected(
        root("mov %r0, 0\nstxdw [%r10-12], %r0\nexit"),
        "misaligned stack access off 0+0+-12 size 8");
  }

  @Test
  void rejectsMisalignedStackStoreThroughVariableOffset() {
    assertRejected(
        root(
            "ldxw %r2, [%r1+16]\n"
                + "and %r2, 8\n"
                + "mov %r1, %r10\n"
                + "add %r1, -16\n"
                + "add %r1, %r2\n"
                + "stdw [%r1-4], 0\n"
                + "mov %r0, 0\n"
                + "exit"),
        "misaligned stack access off (0x0; 0x8)+-16+-4 size 8");
  }

  @Test
  void rejectsMisalignedStackAtomic() {
    assertRejected(
        root("mov %r1, 1\nstdw [%r10-8], 0\nlock add32 [%r10-6], %r1\nmov %r0, 0\nexit"),
        "misaligned stack access off 0+0+-6 size 4");
  }

  @Test
  void rejectsMisalignedMapValueAtomic() {
    assertRejected(
        root(LOOKUP + "mov %r1, 1\nlock add [%r0+4], %r1\nmov %r0, 0\nexit", ARRAY16),
        "misaligned value access off 0+0+4 size 8");
  }

  @Test
  void acceptsMisalignedMapValueStoreWithoutAtomic() {
    assertAccepted(root(LOOKUP + "mov %r1, 1\nstxdw [%r0+4], %r1\nmov %r0, 0\nexit", ARRAY16));
  }

  @Test
  void acceptsByteStackAccessAtAnyOffset() {
    assertAccepted(root("stb [%r10-3], 1\nldxb %r0, [%r10-3]\nexit"));
  }

  // ------------------------------------------------- one decoder (Decoder.validate, kernel words)

  /** Assembles {@code text} and replaces slot {@code pc} by {@code patch}. */
  static VerifierResult rootPatched(String text, int pc, Insn patch) {
    Insn[] insns = VerifierBehaviourTest.asm(text);
    insns[pc] = patch;
    return Verifier.verify(insns, VerifierOptions.privileged(ProgramInfo.NONE).withLogLevel(2));
  }

  @Test
  void rejectsLoadWithImmediateEvenInDeadCode() {
    // resolve_pseudo_ldimm64() checks every slot before do_check(): dead code is no excuse
    assertRejected(
        rootPatched(
            "mov %r0, 0\nja +1\nldxw %r0, [%r1+16]\nexit",
            2, new Insn(Opcodes.LDX | Opcodes.MEM | Opcodes.W, 0, 1, 16, 1)),
        "BPF_LDX uses reserved fields");
  }

  @Test
  void rejectsUnknownOpcodeInKernelWords() {
    assertRejected(
        rootPatched("mov %r0, 0\nmov %r0, 0\nexit", 1, new Insn(0xdf, 0, 0, 0, 16)),
        "unknown opcode df");
  }

  @Test
  void rejectsAluAndMovWithReservedFields() {
    assertRejected(
        rootPatched("mov %r0, 0\nadd %r0, 1\nexit", 1, new Insn(0x07, 0, 3, 0, 1)),
        "BPF_ALU uses reserved fields");
    assertRejected(
        rootPatched("mov %r0, 0\nmov %r0, 1\nexit", 1, new Insn(0xb7, 0, 0, 0, 1).withOff(1)),
        "BPF_MOV uses reserved fields");
  }

  @Test
  void rejectsLdImm64WithBadSecondSlot() {
    assertRejected(
        rootPatched("lddw %r0, 1\nexit", 1, new Insn(0, 1, 0, 0, 0)), "invalid bpf_ld_imm64 insn");
  }

  @Test
  void rejectsMapLdImm64WithSecondImmediate() {
    Insn[] insns = VerifierBehaviourTest.asm("lddw %r1, 0xfd\nmov %r0, 0\nexit");
    insns[0] = insns[0].withSrc(Opcodes.PSEUDO_MAP_FD);
    insns[1] = insns[1].withImm(1);
    assertRejected(
        Verifier.verify(
            insns,
            VerifierOptions.privileged(VerifierBehaviourTest.withMap(ARRAY16)).withLogLevel(2)),
        "unrecognized bpf_ld_imm64 insn");
  }

  @Test
  void rejectsJaWithImmediate() {
    assertRejected(
        rootPatched("mov %r0, 0\nja +0\nexit", 1, new Insn(0x05, 0, 0, 0, 1)),
        "BPF_JA uses reserved fields");
  }

  /** The kernel never reads an exit's offset: it loads and runs such a program (6.18). */
  @Test
  void acceptsAndRunsExitWithOffset() {
    Insn[] insns = VerifierBehaviourTest.asm("mov %r0, 2\nexit");
    insns[1] = insns[1].withOff(5);
    assertAccepted(
        Verifier.verify(insns, VerifierOptions.privileged(ProgramInfo.NONE).withLogLevel(2)));
    Executable exe =
        Engine.INTERPRETER.prepare(
            new Program("exit_off", insns, new HelperRegistry(), Linkage.NONE));
    assertEquals(2, exe.runOnMemory(new ExecutionContext(new RegionRegistry()), new byte[8]));
  }

  // ------------------------------------------- sign extension (coerce_subreg_to_size_sx & co.)

  /** The program: umax=127 made the kernel's out-of-bounds fp write look safe. */
  @Test
  void movsx32KeepsTheKernelsBoundsAndRejectsTheStackWrite() {
    VerifierResult r =
        root(
            "ldxw %r3, [%r1+16]\n"
                + "and32 %r3, 0x80\n"
                + "movsx832 %r3, %r3\n"
                + "mov %r1, %r10\n"
                + "add %r1, %r3\n"
                + "stb [%r1-1], 0\n"
                + "mov %r0, 0\n"
                + "exit");
    assertRejected(r, "invalid unbounded variable-offset write to stack R1");
    assertTrue(
        r.log()
            .contains(
                "R3=scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,"
                    + "var_off=(0x0; 0xffffffff))"),
        r.log());
  }

  /**
   * Differential seed 1000157 (a false rejection: "misaligned stack access off (0x0; 0x7fff)+-64+0
   * size 2"): the 32-bit bounds of {@code r4 << 63} are [0, 0], so Linux 6.18 makes {@code (s16)r4}
   * the constant 0 (its log: "r4 = (s16)r4 ; R4=0") and the store is at fp-64; the 64-bit bounds
   * alone, [S64_MIN, 0], give [-32768, 32767].
   */
  @Test
  void movsx64TakesTheRangeFromThe32BitBoundsToo() {
    VerifierResult r =
        root(
            "ldxw %r4, [%r1+12]\n"
                + "lsh %r4, 63\n"
                + "movsx1664 %r4, %r4\n"
                + "mov %r9, %r10\n"
                + "add %r9, -64\n"
                + "add %r9, %r4\n"
                + "stxh [%r9+0], %r4\n"
                + "mov %r0, 0\n"
                + "exit");
    assertAccepted(r);
    assertTrue(r.log().contains("2: (bf) r4 = (s16)r4                  ; R4=0\n"), r.log());
  }

  /**
   * Differential seed 2101222 (a false acceptance): a NULL memory argument of a helper gets the
   * size checks too, unbounded first; only a size of 0 may go with it. Messages from Linux 6.18 for
   * bpf_csum_diff(NULL, 0, NULL, r4, 0).
   */
  @Test
  void aNullMemoryArgumentGetsTheSizeChecksToo() {
    String head = "ldxw %r4, [%r1+16]\nmov %r1, 0\nmov %r2, 0\nmov %r3, 0\nmov %r5, 0\n";
    String tail = "call 28\nmov %r0, 0\nexit";
    assertRejected(
        root(head + tail), "R4 unbounded memory access, use 'var &= const' or 'if (var < const)'");
    assertRejected(root(head + "and %r4, 15\n" + tail), "R3 type=scalar expected=fp");
    assertRejected(root(head + "mov %r4, 4\n" + tail), "R3 type=scalar expected=fp");
    assertAccepted(root(head + "mov %r4, 0\n" + tail));
  }

  /** Root: a pointer sign-extended is an unknown scalar (is_pointer_value() is false). */
  @Test
  void movsxOfPointerIsAnUnknownScalarForRoot() {
    assertAccepted(root("movsx3264 %r2, %r10\nmov %r0, 0\nexit"));
  }

  // ----------------------------------------------- load-acquire / store-release (check_atomic)

  @Test
  void acceptsLoadAcquireAndStoreReleaseOnTheStack() {
    assertAccepted(root("stdw [%r10-8], 0\nldxacqw %r0, [%r10-8]\nexit"));
    assertAccepted(root("mov %r1, 5\nstxreldw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit"));
  }

  @Test
  void rejectsLoadAcquireFromContext() {
    assertRejected(
        root("ldxacqw %r0, [%r1+16]\nexit"), "BPF_ATOMIC loads from R1 ctx is not allowed");
  }

  @Test
  void rejectsMisalignedStoreRelease() {
    assertRejected(
        root("mov %r1, 5\nstxreldw [%r10-12], %r1\nmov %r0, 0\nexit"),
        "misaligned stack access off 0+0+-12 size 8");
  }

  // ------------------------------------------------------------------ precision the kernel has

  /**
   * mark_reg_stack_read(): a variable-offset read of STACK_ZERO bytes (a 4-byte zero store is not a
   * spill) is the constant 0, so the pointer built from it stays aligned (kernel: accepted).
   */
  @Test
  void variableOffsetReadOfZeroedStackIsConstantZero() {
    assertAccepted(
        root(
            "stw [%r10-4], 0\n"
                + "ldxw %r2, [%r1+16]\n"
                + "and %r2, 2\n"
                + "mov %r3, %r10\n"
                + "add %r3, -4\n"
                + "add %r3, %r2\n"
                + "ldxh %r4, [%r3+0]\n"
                + "mov %r5, %r10\n"
                + "add %r5, -8\n"
                + "add %r5, %r4\n"
                + "ldxdw %r0, [%r5+0]\n"
                + "and %r0, 0\n"
                + "exit"));
  }

  /** scalar_byte_swap() and BPF_NEG keep what they can (Linux 6.18 log, same program). */
  @Test
  void byteSwapsAndNegationKeepBoundsLikeTheKernel() {
    VerifierResult r =
        root(
            "mov %r5, 0x1234\n"
                + "be16 %r5\n"
                + "ldxw %r2, [%r1+16]\n"
                + "and %r2, 0x1ff00ff\n"
                + "mov %r3, %r2\n"
                + "le16 %r3\n"
                + "mov %r7, %r2\n"
                + "be32 %r7\n"
                + "mov %r4, %r2\n"
                + "and %r4, 0xff\n"
                + "neg %r4\n"
                + "ldxdw %r0, [%r10-600]\n"
                + "exit");
    assertRejected(r, "invalid read from stack R10 off=-600 size=8");
    for (String state :
        new String[] {
          "R5=13330",
          "R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))",
          "R7=scalar(smin=0,smax=umax=umax32=0xff00ff01,smax32=0x7f00ff01,var_off=(0x0; 0xff00ff01))",
          "R4=scalar(smin=smin32=-255,smax=smax32=0)"
        }) {
      assertTrue(r.log().contains(state), state + "\n" + r.log());
    }
  }

  // ------------------------------------------------------------ helper memory sizes

  @Test
  void rejectsUnboundedCsumDiffSize() {
    assertRejected(
        root(
            "mov %r6, %r1\n"
                + "stdw [%r10-16], 0\n"
                + "stdw [%r10-32], 0\n"
                + "mov %r1, %r10\n"
                + "add %r1, -16\n"
                + "mov %r2, 8\n"
                + "mov %r3, %r10\n"
                + "add %r3, -32\n"
                + "ldxw %r4, [%r6+16]\n"
                + "mov %r5, 0\n"
                + "call 28\n"
                + "exit"),
        "R4 unbounded memory access, use 'var &= const' or 'if (var < const)'");
  }

  // ------------------------------------------------------------ undefined results

  /**
   * Root may read stack it never wrote; Linux then returns leftover bytes (BPF_PROG_TEST_RUN gave a
   * non-zero value for this program), xdpemu zeros. The verifier names the instruction so that a
   * comparison can call the result undefined instead of a mismatch.
   */
  @Test
  void namesInstructionsThatReadUninitializedStack() {
    VerifierResult r = root("stw [%r10-8], 1\nldxw %r1, [%r10-8]\nldxdw %r0, [%r10-16]\nexit");
    assertAccepted(r);
    assertEquals("[false, false, true, false]", java.util.Arrays.toString(r.readsUninitStack()));
  }

  /**
   * Differential seed 2061070 (200,000 programs from seed 2): root may byte-swap the packet pointer
   * and return the result; the kernel returned 0, xdpemu 1023, because each side's packet lies
   * elsewhere. The verifier names the instruction so that a comparison calls the run not comparable
   * instead of a mismatch; unprivileged, the kernel refuses it.
   */
  @Test
  void namesInstructionsThatTurnAnAddressIntoData() {
    String swap = "ldxw %r0, [%r1+0]\nle16 %r0\nexit";
    VerifierResult r = root(swap);
    assertAccepted(r);
    assertEquals("[false, true, false]", java.util.Arrays.toString(r.leaksAddress()));
    assertRejected(VerifierBehaviourTest.unpriv(swap), "R0 pointer arithmetic prohibited");
  }

  /**
   * What carries no address into the result is not flagged: a non-NULL pointer compared with 0
   * (never 0 on either side, though the kernel explores both ways for a packet pointer), the
   * distance between two packet pointers, and a probe read through a pointer.
   */
  @Test
  void addressesThatStayAddressesAreNotLeaks() {
    VerifierResult r =
        root(
            "ldxw %r2, [%r1+0]\n"
                + "ldxw %r3, [%r1+4]\n"
                + "mov %r0, %r3\n"
                + "sub %r0, %r2\n"
                + "jeq %r2, 0, +0\n"
                + "exit");
    assertAccepted(r);
    assertEquals(
        "[false, false, false, false, false, false]", java.util.Arrays.toString(r.leaksAddress()));
    VerifierResult probe =
        root("mov %r3, %r1\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 8\ncall 113\nmov %r0, 0\nexit");
    assertAccepted(probe);
    assertEquals(
        "[false, false, false, false, false, false, false]",
        java.util.Arrays.toString(probe.leaksAddress()));
  }

  /** A byte written over a spilled pointer leaves its other seven bytes readable as data (root). */
  @Test
  void partlyOverwrittenSpilledPointerIsALeak() {
    VerifierResult r =
        root("mov %r2, %r10\nstxdw [%r10-8], %r2\nstb [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit");
    assertAccepted(r);
    assertEquals("[false, false, true, false, false]", java.util.Arrays.toString(r.leaksAddress()));
  }

  /** Differential seeds 3000364 and 3001989: no tighter than the kernel after a jset. */
  @Test
  void jsetFalseBranchBoundsComeFromTheTnumLikeTheKernel() {
    VerifierResult r =
        root(
            "ldxw %r1, [%r1+16]\n"
                + "movsx832 %r1, %r1\n"
                + "jset %r1, 0xee861a4b, +1\n"
                + "ldxdw %r0, [%r10-600]\n"
                + "ldxdw %r0, [%r10-600]\n"
                + "exit");
    assertRejected(r, "invalid read from stack R10 off=-600 size=8");
    String kernel =
        "R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=0x1179e5b4,var_off=(0x0; 0x1179e5b4))";
    assertTrue(r.log().contains(kernel), r.log());
  }

  /** (s32) keeps the 32-bit bounds and takes the signed 64-bit ones from them (6.18's log). */
  @Test
  void movsx32To64KeepsThe32BitBounds() {
    VerifierResult r =
        root(
            "ldxw %r2, [%r1+16]\n"
                + "and %r2, -1559302999\n"
                + "movsx3264 %r2, %r2\n"
                + "ldxdw %r0, [%r10-600]\n"
                + "exit");
    assertRejected(r, "invalid read from stack R10 off=-600 size=8");
    String kernel =
        "R2=scalar(smin=0xffffffff80000000,smax=smax32=0x230eeca9,umax=0xffffffffa30eeca9,"
            + "umax32=0xa30eeca9)";
    assertTrue(r.log().contains(kernel), r.log());
  }

  // ------------------------------------------ refused only where do_check() goes (seed 5,
  // 2026-12-05)

  /** The legacy packet load: check_ld_abs() refuses it for XDP when reached (seed 5042947). */
  @Test
  void legacyPacketLoadIsRefusedOnlyWhenReached() {
    assertRefusedOnlyWhenReached(
        new Insn(Opcodes.LD | Opcodes.ABS | Opcodes.W, 0, 0, 0, 0),
        "BPF_LD_[ABS|IND] instructions not allowed for this program type");
  }

  /** A load into r10: check_reg_arg() refuses it when reached (seed 5019710). */
  @Test
  void loadIntoTheFramePointerIsRefusedOnlyWhenReached() {
    assertRefusedOnlyWhenReached(
        new Insn(Opcodes.LDX | Opcodes.MEM | Opcodes.W, 10, 1, 16, 0),
        "frame pointer is read only");
  }

  /**
   * {@code insn} at pc 2 behind {@code if r2 == 0 goto +1}: accepted where r2 = 0 makes it dead,
   * refused with the kernel's {@code message} where r2 = 1 reaches it.
   */
  private static void assertRefusedOnlyWhenReached(Insn insn, String message) {
    String program = "mov %r2, K\njeq %r2, 0, +1\nmov %r0, 0\nmov %r0, 0\nexit";
    assertAccepted(rootPatched(program.replace("K", "0"), 2, insn));
    assertRejected(rootPatched(program.replace("K", "1"), 2, insn), message);
  }

  /**
   * Linux 6.18 decides JEQ/JNE from the tnums when a bit known in both differs (tnum_overlap): 15
   * against a value that is 0 or 32 is never equal, although the range [0, 32] holds 15 (seed
   * 5083830, where the kernel never reached a bpf_csum_diff with an unbounded size).
   */
  @Test
  void jneIsDecidedByKnownBitsThatDiffer() {
    String program =
        "ldxw %r4, [%r1+16]\n"
            + "and %r4, 32\n"
            + "mov %r3, K\n"
            + "jne %r3, %r4, +1\n"
            + "ldxdw %r0, [%r5+0]\n"
            + "mov %r0, 0\n"
            + "exit";
    assertAccepted(root(program.replace("K", "15")));
    // 16: bit 4 is known 0 in the other tnum: decided too
    assertAccepted(root(program.replace("K", "16")));
    // 0 overlaps (0x0; 0x20): undecided, and the fall-through reads the uninitialized r5
    assertRejected(root(program.replace("K", "0")), "R5 !read_ok");
  }
}
