package io.xdpemu.ebpf.engines;

import io.xdpemu.ebpf.UsageException;
import io.xdpemu.ebpf.jit.JitEngine;
import io.xdpemu.ebpf.vm.Engine;

/**
 * The engines by their command-line names ({@code --engine interp|jit}). It lives above both {@code
 * vm} (the interpreter, the {@link Engine} interface) and {@code jit}, so that neither package
 * needs to know the other's engine: {@code jit} depends on {@code vm}, never the reverse.
 */
public final class Engines {
  private Engines() {}

  /** The engine for {@code --engine NAME}; a {@link UsageException} names the available ones. */
  public static Engine byName(String name) {
    if (Engine.INTERPRETER.name().equals(name)) {
      return Engine.INTERPRETER;
    }
    if (JitEngine.INSTANCE.name().equals(name)) {
      return JitEngine.INSTANCE;
    }
    throw new UsageException("unknown engine '" + name + "' (available: interp, jit)");
  }
}
