package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.vm.Engine;

class InterpreterContractTest extends EngineContractTest {
  @Override
  Engine engine() {
    return Engine.INTERPRETER;
  }
}
