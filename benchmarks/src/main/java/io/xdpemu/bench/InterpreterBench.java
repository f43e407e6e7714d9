package io.xdpemu.bench;

import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Interpreter speed in ns per executed instruction, on the programs of the VM reference note
 * (docs/reference/vm.md section 4, where uBPF's interpreter does 9-24 ns/insn):
 *
 * <ul>
 *   <li>{@code aluLoop}: 10,000 iterations of 100 random ALU32/ALU64 ops (fixed seed) + {@code sub}
 *       + {@code jne}: 1 + 10,000 x 102 + 1 = 1,020,002 executed instructions per run.
 *   <li>{@code aluStraight}: the same 100 ops once, then exit (102 instructions): per-run overhead
 *       included.
 *   <li>{@code baseline}: {@code mov r0, 0; exit}, everything but the work: the fixed cost of one
 *       run (entry, register file, exit) and the sink, per executed instruction like the others.
 *   <li>{@code xdpSubnet}: ns per packet for the suite's {@code subnet.data} VLAN/IPv4 check
 *       rewritten as XDP (data/data_end from xdp_md, a bounds check, 74-byte frame): 18 executed
 *       instructions including 6 bounds-checked loads.
 * </ul>
 *
 * <p>{@code engine} is a parameter so that a JIT slots in next to the interpreter ({@code -p
 * engine=interp,jit} once {@code Engines.byName("jit")} exists).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InterpreterBench -f 1 -wi 3 -i 5 -w 1s
 * -r 1s}.
 *
 * <p>On a shared machine (more runnable threads than cores) wall-clock time mostly measures the
 * scheduler; {@link #main} measures the same programs in thread CPU time instead: {@code java -cp
 * benchmarks/target/benchmarks.jar io.xdpemu.bench.InterpreterBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class InterpreterBench {
  static final int LOOP_ITERATIONS = 10_000;
  static final int OPS = 100;
  static final int LOOP_INSNS = 1 + LOOP_ITERATIONS * (OPS + 2) + 1;
  static final int STRAIGHT_INSNS = OPS + 2;

  @Param({"interp", "jit"})
  public String engine;

  private ExecutionContext ctx;
  private Executable aluLoop;
  private Executable aluStraight;
  private Executable baseline;
  private Executable xdpSubnet;

  /** tests/subnet.data from bpf_conformance, entered through xdp_md like an XDP program. */
  static final String SUBNET_XDP =
      String.join(
          "\n",
          "ldxw %r2, [%r1+4]",
          "ldxw %r1, [%r1+0]",
          "mov %r3, %r1",
          "add %r3, 38",
          "jgt %r3, %r2, drop",
          "mov %r2, 0xe",
          "ldxh %r3, [%r1+12]",
          "jne %r3, 0x81, L1",
          "mov %r2, 0x12",
          "ldxh %r3, [%r1+16]",
          "and %r3, 0xffff",
          "L1:",
          "jne %r3, 0x8, L2",
          "add %r1, %r2",
          "mov %r0, 0x1",
          "ldxw %r1, [%r1+16]",
          "and %r1, 0xffffff",
          "jeq %r1, 0x1a8c0, exit",
          "L2:",
          "mov %r0, 0x0",
          "exit",
          "drop:",
          "mov %r0, 1",
          "exit");

  /** The 74-byte frame of subnet.data's {@code -- mem} (Ethernet, IPv4 to 192.168.1.1). */
  static final String SUBNET_FRAME =
      "0000c09fa09700a0cc3bbffa08004510003c463c40004006731cc0a80102c0a80101060e001799c5"
          + "a0ec00000000a0027d78e0a30000020405b40402080a009c27240000000001030300";

  /** 100 random ALU ops on r0-r5 and r7-r8 (r6 is the loop counter), seeded for repeatability. */
  static String randomAluOps(long seed) {
    String[] ops = {"add", "sub", "mul", "or", "and", "xor", "lsh", "rsh", "arsh", "mov"};
    int[] regs = {0, 1, 2, 3, 4, 5, 7, 8};
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < OPS; i++) {
      String op = ops[rnd.nextInt(ops.length)];
      String width = rnd.nextBoolean() ? "32" : "";
      int dst = regs[rnd.nextInt(regs.length)];
      String src;
      if (rnd.nextBoolean()) {
        src = "%r" + regs[rnd.nextInt(regs.length)];
      } else if (op.endsWith("sh")) {
        src = Integer.toString(rnd.nextInt(32));
      } else {
        src = Integer.toString(rnd.nextInt());
      }
      sb.append(op).append(width).append(" %r").append(dst).append(", ").append(src).append('\n');
    }
    return sb.toString();
  }

  static Program program(String name, String asm) {
    return new Program(name, Assembler.assemble(asm), new HelperRegistry(), Linkage.NONE);
  }

  @Setup
  public void setup() {
    Engine e = io.xdpemu.ebpf.engines.Engines.byName(engine);
    String ops = randomAluOps(42);
    aluLoop =
        e.prepare(
            program(
                "alu100_loop",
                "mov %r6, "
                    + LOOP_ITERATIONS
                    + "\nloop:\n"
                    + ops
                    + "sub %r6, 1\njne %r6, 0, loop\nexit\n"));
    aluStraight = e.prepare(program("alu100_straight", "mov %r6, 0\n" + ops + "exit\n"));
    baseline = e.prepare(program("exit", "mov %r0, 0\nexit\n"));
    xdpSubnet = e.prepare(program("subnet", SUBNET_XDP));
    ctx = new ExecutionContext(new RegionRegistry());
    byte[] frame = new byte[256 + 74];
    String hex = SUBNET_FRAME;
    for (int i = 0; i < 74; i++) {
      frame[256 + i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    ctx.xdp().set(frame, 0, 256, 256, 256 + 74, frame.length);
    ctx.syncPacket();
    if (xdpSubnet.run(ctx, ExecutionContext.contextPointer()) != 1) {
      throw new IllegalStateException("subnet program must accept the sample frame");
    }
  }

  @Benchmark
  @OperationsPerInvocation(LOOP_INSNS)
  public long aluLoop() {
    return aluLoop.run(ctx, 0);
  }

  @Benchmark
  @OperationsPerInvocation(STRAIGHT_INSNS)
  public void aluStraight(Blackhole bh) {
    bh.consume(aluStraight.run(ctx, 0));
  }

  @Benchmark
  public void xdpSubnet(Blackhole bh) {
    bh.consume(xdpSubnet.run(ctx, ExecutionContext.contextPointer()));
  }

  @Benchmark
  @OperationsPerInvocation(2)
  public void baseline(Blackhole bh) {
    bh.consume(baseline.run(ctx, 0));
  }

  /** Thread-CPU-time measurement of the same benchmarks (best of 12 rounds after warm-up). */
  public static void main(String[] args) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    InterpreterBench b = new InterpreterBench();
    b.engine = args.length > 0 ? args[0] : Engine.INTERPRETER.name();
    b.setup();
    double loop = Double.MAX_VALUE;
    double straight = Double.MAX_VALUE;
    double subnet = Double.MAX_VALUE;
    double exit = Double.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < 16; round++) {
      long t0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 20; i++) {
        sink += b.aluLoop();
      }
      long t1 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 100_000; i++) {
        sink += b.aluStraight.run(b.ctx, 0);
      }
      long t2 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 100_000; i++) {
        sink += b.xdpSubnet.run(b.ctx, ExecutionContext.contextPointer());
      }
      long t3 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 100_000; i++) {
        sink += b.baseline.run(b.ctx, 0);
      }
      long t4 = mx.getCurrentThreadCpuTime();
      if (round >= 4) {
        loop = Math.min(loop, (t1 - t0) / 20.0 / LOOP_INSNS);
        straight = Math.min(straight, (t2 - t1) / 100_000.0 / STRAIGHT_INSNS);
        subnet = Math.min(subnet, (t3 - t2) / 100_000.0);
        exit = Math.min(exit, (t4 - t3) / 100_000.0);
      }
    }
    System.out.printf(
        "thread CPU time, %s: aluLoop %.2f ns/insn, aluStraight %.2f ns/insn, xdpSubnet %.1f"
            + " ns/packet, baselineExit %.1f ns/run (checksum %d)%n",
        b.engine, loop, straight, subnet, exit, sink);
  }
}
