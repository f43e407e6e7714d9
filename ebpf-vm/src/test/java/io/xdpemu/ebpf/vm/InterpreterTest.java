package io.xdpemu.ebpf.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.Assembler;
import org.junit.jupiter.api.Test;

class InterpreterTest {
  private final HelperRegistry helpers = new HelperRegistry();
  private final ExecutionContext ctx = new ExecutionContext(new RegionRegistry());

  private Program program(String asm) {
    return program(asm, Linkage.NONE);
  }

  private Program program(String asm, Linkage linkage) {
    return new Program("test", Assembler.assemble(asm), helpers, linkage);
  }

  private long runXdp(String asm) {
    return Interpreter.forProgram(program(asm)).run(ctx, ExecutionContext.contextPointer());
  }

  private void packet(byte[] frame, int meta, int data, int end) {
    ctx.xdp().set(frame, 0, meta, data, end, frame.length);
    ctx.syncPacket();
  }

  private static String lines(String... l) {
    return String.join("\n", l);
  }

  @Test
  void xdpMdLoadsOfDataAndDataEndYieldPacketPointers() {
    packet(new byte[300], 250, 256, 270);
    ctx.xdp().ingressIfindex = 7;
    ctx.xdp().rxQueueIndex = 3;
    long len =
        runXdp(
            lines(
                "ldxw %r2, [%r1+0]", "ldxw %r3, [%r1+4]", "mov %r0, %r3", "sub %r0, %r2", "exit"));
    assertEquals(14, len);
    assertEquals(
        AddressSpace.pointer(AddressSpace.PACKET, 250), runXdp(lines("ldxw %r0, [%r1+8]", "exit")));
    assertEquals(7, runXdp(lines("ldxw %r0, [%r1+12]", "exit")));
    assertEquals(3, runXdp(lines("ldxw %r0, [%r1+16]", "exit")));
  }

  @Test
  void readsAndWritesThePacketThroughItsPointer() {
    byte[] frame = new byte[64];
    frame[32] = 0x11;
    frame[33] = 0x22;
    packet(frame, 32, 32, 46);
    long v = runXdp(lines("ldxw %r2, [%r1+0]", "ldxh %r0, [%r2+0]", "stb [%r2+13], 0x7f", "exit"));
    assertEquals(0x2211, v);
    assertEquals(0x7f, frame[45]);
  }

  @Test
  void rejectsPacketReadPastDataEndNamingPcAddressSizeAndRegion() {
    packet(new byte[64], 32, 32, 46);
    TrapException t =
        assertThrows(
            TrapException.class,
            () -> runXdp(lines("ldxw %r2, [%r1+0]", "ldxh %r0, [%r2+13]", "exit")));
    assertEquals(1, t.pc());
    assertTrue(
        t.getMessage()
            .startsWith(
                "trap at pc 1: out-of-bounds read at 0x30000002d size 2,"
                    + " region packet[PACKET 32..46]"),
        t.getMessage());
  }

  @Test
  void trapsOnNullDereferenceContextStoreAndNarrowContextLoad() {
    assertTrue(
        assertThrows(
                TrapException.class, () -> runXdp(lines("mov %r1, 0", "ldxb %r0, [%r1+0]", "exit")))
            .getMessage()
            .contains("no region"));
    assertTrue(
        assertThrows(TrapException.class, () -> runXdp(lines("stw [%r1+0], 1", "exit")))
            .getMessage()
            .contains("context is read-only"));
    assertTrue(
        assertThrows(TrapException.class, () -> runXdp(lines("ldxh %r0, [%r1+0]", "exit")))
            .getMessage()
            .contains("invalid xdp_md access"));
    assertTrue(
        assertThrows(TrapException.class, () -> runXdp(lines("ldxw %r0, [%r1+24]", "exit")))
            .getMessage()
            .contains("invalid xdp_md access"));
  }

  @Test
  void stackFramesAreSeparateAndBoundedAtFrameDepthEight() {
    // The callee writes its own frame; the caller's [r10-8] survives.
    long v =
        runXdp(
            lines(
                "stdw [%r10-8], 42",
                "call local f",
                "ldxdw %r0, [%r10-8]",
                "exit",
                "f:",
                "stdw [%r10-8], 7",
                "mov %r0, 0",
                "exit"));
    assertEquals(42, v);
    TrapException t =
        assertThrows(
            TrapException.class,
            () -> runXdp(lines("call local f", "exit", "f:", "call local f", "exit")));
    assertTrue(t.getMessage().contains("call stack too deep"), t.getMessage());
    // The stack region ends at the top of frame 0.
    assertThrows(TrapException.class, () -> runXdp(lines("ldxb %r0, [%r10+0]", "exit")));
  }

  @Test
  void helpersAreCalledByIdWithThePcSetAndUnknownIdsTrap() {
    helpers.register(1000, "probe", (c, a, b, cc, d, e) -> c.pc * 100 + a + b);
    assertEquals(203, runXdp(lines("mov %r1, 1", "mov %r2, 2", "call 1000", "exit")));
    TrapException t = assertThrows(TrapException.class, () -> runXdp(lines("call 77", "exit")));
    assertEquals("trap at pc 0: call to unknown helper id 77", t.getMessage());
  }

  @Test
  void kfuncsAndPseudoLdImm64ComeFromTheLinkage() {
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            return 0x1000L + pc;
          }

          @Override
          public Helper kfunc(int pc) {
            return (c, a, b, cc, d, e) -> a * 2;
          }
        };
    io.xdpemu.ebpf.isa.Insn[] insns = {
      new io.xdpemu.ebpf.isa.Insn(0x18, 1, 1, 0, 5), new io.xdpemu.ebpf.isa.Insn(0, 0, 0, 0, 0),
      new io.xdpemu.ebpf.isa.Insn(0x85, 0, 2, 0, 1234),
          new io.xdpemu.ebpf.isa.Insn(0x95, 0, 0, 0, 0)
    };
    Program p = new Program("k", insns, helpers, linkage);
    assertEquals(0x2000, Interpreter.forProgram(p).run(ctx, 0));
    Program unlinked = new Program("k", insns, helpers, Linkage.NONE);
    assertEquals(
        "trap at pc 0: ld_imm64 with a pseudo source was not linked",
        assertThrows(TrapException.class, () -> Interpreter.forProgram(unlinked).run(ctx, 0))
            .getMessage());
  }

  @Test
  void tailCallContinuesInTheTargetWithTheSameR1AndAFreshFrame() {
    Program target = program(lines("mov %r0, %r1", "add %r0, %r6", "exit"));
    helpers.register(
        12,
        "tail_call",
        (c, r1, r2, r3, r4, r5) -> {
          c.tailCalls++;
          c.tailCallTarget = target;
          return 0;
        });
    long v =
        Interpreter.forProgram(
                program(lines("mov %r6, 5", "mov %r1, 100", "call 12", "mov %r0, -1", "exit")))
            .run(ctx, 100);
    assertEquals(105, v);
    assertEquals(null, ctx.tailCallTarget);
  }

  @Test
  void budgetStopsAnEndlessLoopAndIsChargedForStraightLineRuns() {
    ctx.budget = 1000;
    TrapException t =
        assertThrows(
            TrapException.class,
            () -> runXdp(lines("mov %r0, 0", "loop:", "add %r0, 1", "ja loop")));
    assertTrue(t.getMessage().contains("instruction budget exhausted"), t.getMessage());
    ctx.budget = 1000;
    runXdp(lines("mov %r0, 0", "loop:", "add %r0, 1", "jne %r0, 10, loop", "exit"));
    assertEquals(1000 - (1 + 10 * 2 + 1), ctx.budget);
  }

  @Test
  void atomicsAreRealAtomicsOnTheRegion() throws Exception {
    byte[] value = new byte[8];
    RegionRegistry shared = new RegionRegistry();
    int id = shared.register(new Region("counter", Region.Kind.MAP_VALUE, value));
    Program p =
        program(
            lines(
                "lddw %r1, 0x" + Long.toHexString(AddressSpace.pointer(id, 0)),
                "mov %r2, 1",
                "lock add [%r1+0], %r2",
                "exit"));
    Runnable worker =
        () -> {
          ExecutionContext c = new ExecutionContext(shared);
          Executable e = Interpreter.forProgram(p);
          for (int i = 0; i < 20000; i++) {
            e.run(c, 0);
          }
        };
    Thread a = new Thread(worker);
    Thread b = new Thread(worker);
    a.start();
    b.start();
    a.join();
    b.join();
    assertEquals(40000L, (long) MemoryAccess.I64.get(value, 0));
  }

  @Test
  void preDecodedFormIsCachedPerProgram() {
    Program p = program("exit");
    assertSame(Interpreter.forProgram(p), Interpreter.forProgram(p));
  }

  @Test
  void runningOffTheEndTraps() {
    assertEquals(
        "trap at pc 1: fell off the end of the program",
        assertThrows(TrapException.class, () -> runXdp("mov %r0, 1")).getMessage());
  }

  @Test
  void callxCallsTheHelperWhoseIdIsInTheRegister() {
    helpers.register(9, "nine", (c, a, b, cc, d, e) -> 900 + a);
    assertEquals(901, runXdp(lines("mov %r1, 1", "mov %r3, 9", "call %r3", "exit")));
  }

  @Test
  void sixtyFourBitCompareUsesTheSignExtendedImmediate() {
    assertEquals(
        1,
        runXdp(
                    lines(
                        "mov32 %r1, -1",
                        "mov %r0, 1", "jeq %r1, -1, +1", "exit", "mov %r0, 2", "exit"))
                == 1
            ? 1
            : 0);
  }

  @Test
  void writesToReadOnlyRegionsAndMisalignedAtomicsTrap() {
    RegionRegistry shared = new RegionRegistry();
    Region ro = new Region("rodata", Region.Kind.GLOBAL_DATA, new byte[16]);
    ro.freeze();
    int id = shared.register(ro);
    ExecutionContext c = new ExecutionContext(shared);
    String base = "lddw %r1, 0x" + Long.toHexString(AddressSpace.pointer(id, 0));
    TrapException t =
        assertThrows(
            TrapException.class,
            () -> Interpreter.forProgram(program(lines(base, "stb [%r1+0], 1", "exit"))).run(c, 0));
    assertTrue(t.getMessage().contains("read-only"), t.getMessage());
    assertEquals(
        0, Interpreter.forProgram(program(lines(base, "ldxb %r0, [%r1+15]", "exit"))).run(c, 0));
    t =
        assertThrows(
            TrapException.class,
            () -> runXdp(lines("mov %r1, 1", "lock add32 [%r10-6], %r1", "exit")));
    assertTrue(t.getMessage().contains("misaligned atomic"), t.getMessage());
  }

  /** Pointer fields trap; scalar fields read sign-extended, as the kernel rewrites the load. */
  @Test
  void signExtendingLoadsFromTheContextPointerFieldsTrap() {
    assertThrows(TrapException.class, () -> runXdp(lines("ldxsw %r0, [%r1+0]", "exit")));
    assertThrows(TrapException.class, () -> runXdp(lines("ldxsw %r0, [%r1+8]", "exit")));
  }

  /** A program whose slot {@code funcPc} becomes ld_imm64 src 4 of the callback at {@code cb}. */
  private Program withCallback(String asm, int funcPc, int cb) {
    io.xdpemu.ebpf.isa.Insn[] insns = Assembler.assemble(asm);
    insns[funcPc] = insns[funcPc].withSrc(4).withImm(cb - funcPc - 1);
    Linkage linkage =
        new Linkage() {
          @Override
          public long ldImm64(int pc) {
            return pc + 1L + insns[pc].imm(); // as the loader links BPF_PSEUDO_FUNC
          }

          @Override
          public Helper kfunc(int pc) {
            return null;
          }
        };
    return new Program("cb", insns, helpers, linkage);
  }

  @Test
  void helpersCallBackIntoTheProgramInAFrameBelowTheCaller() {
    // A bpf_loop-like helper: calls the callback r1 times with (index, r3); stops on non-zero.
    helpers.register(
        181,
        "loop",
        (c, n, fn, arg, flags, unused) -> {
          for (long i = 0; i < n; i++) {
            if (c.callbacks.invoke(c, fn, i, arg, 0, 0, 0) != 0) {
              return i + 1;
            }
          }
          return n;
        });
    String asm =
        lines(
            "stdw [%r10-8], 0",
            "mov %r6, 7",
            "mov %r1, 10",
            "lddw %r2, 0", // slot 3: becomes ld_imm64 src 4 -> cb
            "mov %r3, %r10",
            "add %r3, -8",
            "mov %r4, 0",
            "call 181",
            "jne %r0, 10, fail",
            "jne %r6, 7, fail", // the callback's r6 is its own
            "ldxdw %r0, [%r10-8]",
            "exit",
            "fail:",
            "mov %r0, -1",
            "exit",
            "ldxdw %r3, [%r2+0]", // cb (slot 15): *arg += index
            "add %r3, %r1",
            "stxdw [%r2+0], %r3",
            "mov %r6, 99",
            "stdw [%r10-8], 5", // its own frame, not the caller's
            "mov %r0, 0",
            "exit");
    Program p = withCallback(asm, 3, 15);
    assertEquals(45, Interpreter.forProgram(p).run(ctx, 0));
    assertSame(Interpreter.forProgram(p), ctx.callbacks);
  }

  @Test
  void callbacksCountTowardsTheFrameLimitAndTheBudget() {
    helpers.register(
        181, "loop", (c, n, fn, arg, f, u) -> c.callbacks.invoke(c, fn, 0, 0, 0, 0, 0));
    // The callback calls the helper again: unbounded recursion must stop at MAX_FRAMES.
    String asm = lines("lddw %r2, 0", "call 181", "exit");
    TrapException t =
        assertThrows(
            TrapException.class, () -> Interpreter.forProgram(withCallback(asm, 0, 0)).run(ctx, 0));
    assertTrue(t.getMessage().contains("call stack too deep"), t.getMessage());
    ctx.budget = 50;
    String spin = lines("lddw %r2, 0", "call 181", "exit", "loop:", "ja loop");
    t =
        assertThrows(
            TrapException.class,
            () -> Interpreter.forProgram(withCallback(spin, 0, 4)).run(ctx, 0));
    assertTrue(t.getMessage().contains("budget exhausted"), t.getMessage());
  }

  @Test
  void everyEncodingTheDecoderAcceptsPreDecodes() {
    // Field values that make some opcode valid: sdiv/smod and movsx offsets, byte-swap widths,
    // atomic operations, load-acquire/store-release.
    int[] offs = {0, 1, 8, 32};
    int[] imms = {0, 16, 64, 0x41, 0xe1, 0xf1, 0x100, 0x110};
    int accepted = 0;
    for (int op = 0; op < 256; op++) {
      for (int src = 0; src <= 4; src++) {
        for (int off : offs) {
          for (int imm : imms) {
            io.xdpemu.ebpf.isa.Insn[] p = {
              new io.xdpemu.ebpf.isa.Insn(op, 1, src, off, imm),
              op == 0x18
                  ? new io.xdpemu.ebpf.isa.Insn(0, 0, 0, 0, 0)
                  : new io.xdpemu.ebpf.isa.Insn(0x95, 0, 0, 0, 0),
              new io.xdpemu.ebpf.isa.Insn(0x95, 0, 0, 0, 0)
            };
            try {
              io.xdpemu.ebpf.isa.Decoder.validate(p);
            } catch (io.xdpemu.ebpf.MalformedInputException refused) {
              continue;
            }
            accepted++;
            Interpreter.forProgram(new Program("all", p, helpers, Linkage.NONE));
          }
        }
      }
    }
    assertTrue(accepted > 500, "accepted " + accepted);
  }
}
