package io.xdpemu.ebpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.vm.Engine;
import org.junit.jupiter.api.Test;

class EnginesTest {
  @Test
  void engineIsChosenByName() {
    assertSame(Engine.INTERPRETER, Engines.byName("interp"));
    assertEquals("jit", Engines.byName("jit").name());
    UsageException e = assertThrows(UsageException.class, () -> Engines.byName("llvm"));
    assertEquals("unknown engine 'llvm' (available: interp, jit)", e.getMessage());
  }
}
