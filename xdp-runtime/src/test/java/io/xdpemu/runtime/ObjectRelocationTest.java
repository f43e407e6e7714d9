package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.elf.ProgramSpec;
import org.junit.jupiter.api.Test;

/** One relocation per load: a program asked for twice (main program, tail-call slots) is one. */
class ObjectRelocationTest {
  @Test
  void eachProgramIsRelocatedOncePerLoadAndLikeTheVerifyCommandSeesIt() {
    LoadOptions o =
        LoadOptions.of(AttachTest.example("seed/xdp_mynic.bpf.o"))
            .withFirmware(AttachTest.example("firmware/mynic-v2.json"));
    BpfObject obj = BpfObjectReader.read(o.object());
    ProgramSpec spec = obj.program("xdp_mynic");
    ObjectRelocation r = new ObjectRelocation(obj, TargetBtf.of(o));
    assertNotNull(r.core(spec));
    assertSame(r.core(spec), r.core(spec));
    assertSame(r.insns(spec), r.insns(spec));
    LoadPipeline.Relocated shown =
        LoadPipeline.relocate(
            new LoadOptions(
                o.object(), "xdp_mynic", o.firmware(), null, null, null, false, null, null, true),
            TargetBtf.of(o));
    assertArrayEquals(r.insns(spec), shown.insns());
  }
}
