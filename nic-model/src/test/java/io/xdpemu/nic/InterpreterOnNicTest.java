package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.isa.Assembler;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.Engine;
import io.xdpemu.ebpf.vm.Executable;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.Linkage;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import org.junit.jupiter.api.Test;

/**
 * The interpreter runs on frames the NIC prepared: the program sees the metadata through data_meta
 * (bounds-checked against data like the verifier demands) and follows ptr_to_rx into the descriptor
 * ring in simulated kernel memory.
 */
class InterpreterOnNicTest {
  /**
   * v1 layout: returns pkt_type (meta+16) * 2^16 + ptr_to_rx->len read with bpf_probe_read_kernel
   * (helper 113) into the stack.
   */
  private static final String PROGRAM =
      String.join(
          "\n",
          "ldxw %r2, [%r1+8]", // data_meta
          "ldxw %r3, [%r1]", // data
          "mov %r4, %r2",
          "add %r4, 32",
          "jgt %r4, %r3, nometa",
          "ldxdw %r6, [%r2+16]", // pkt_type
          "ldxdw %r3, [%r2+24]", // ptr_to_rx (a kernel address)
          "mov %r1, %r10",
          "add %r1, -8",
          "mov %r2, 8",
          "call 113", // bpf_probe_read_kernel(fp-8, 8, &rx->len)
          "jne %r0, 0, fail",
          "ldxdw %r0, [%r10-8]",
          "lsh %r6, 16",
          "add %r0, %r6",
          "exit",
          "nometa:",
          "mov %r0, 1",
          "exit",
          "fail:",
          "mov %r0, 2",
          "exit");

  @Test
  void programReadsMetadataAndFollowsTheDescriptorPointer() {
    HelperRegistry helpers = new HelperRegistry();
    // bpf_probe_read_kernel(dst, size, unsafe_ptr), as the kernel's copy_from_kernel_nofault.
    helpers.register(
        113,
        "bpf_probe_read_kernel",
        (ctx, dst, size, src, r4, r5) -> {
          byte[] tmp = new byte[(int) size];
          int ret = ctx.kernel.read(src, tmp, 0, (int) size);
          Region r = ctx.memory().check(ctx.pc, dst, (int) size, true);
          System.arraycopy(tmp, 0, r.bytes(), AddressSpace.offset(dst), (int) size);
          return ret;
        });
    Program p = new Program("t", Assembler.assemble(PROGRAM), helpers, Linkage.NONE);
    Executable prog = Engine.INTERPRETER.prepare(p);
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-v1.json"), NicConfig.defaults())) {
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      nic.queue(0).receive(RxPathTest.TCP, 0, RxPathTest.TCP.length, 5, ctx);
      long r = prog.run(ctx, ExecutionContext.contextPointer());
      assertEquals((1L << 16) + RxPathTest.TCP.length, r); // MYNIC_PTYPE_IPV4_TCP, frame length
    }
    try (Nic nic = Nic.create(TestFiles.firmware("mynic-kernel.json"), NicConfig.defaults())) {
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      nic.queue(0).receive(RxPathTest.TCP, 0, RxPathTest.TCP.length, 5, ctx);
      assertEquals(1, prog.run(ctx, ExecutionContext.contextPointer())); // no metadata block
    }
  }
}
