/**
 * {@code --engine jit}: compiles a {@link io.xdpemu.ebpf.vm.Program} to JVM bytecode and runs it.
 *
 * <pre>
 *   Program ─► JitEngine.prepare ─► JitCompiler ─► CodeBuilder over ASM ─► hidden class
 *                 │ (decoder validation, ld_imm64 linking,   (class-file version 61, frames by ASM)
 *                 │  kfunc resolution: as the interpreter)
 *                 └─► JitProgram (Executable): helpers, kfuncs, tail calls, callbacks, traps
 * </pre>
 *
 * <ul>
 *   <li>One static method per BPF function (pc 0, every BPF-to-BPF call target, every callback);
 *       r0..r10 are {@code long} locals. A call is a JVM call: r6..r10 survive in the caller's
 *       locals, the callee's r1..r5 come back through a small array in unverified code (the
 *       verifier makes them unreadable after a call), depth is a parameter (at most 8 frames, 512
 *       stack bytes each, as the interpreter).
 *   <li>ALU one-liners are inline JVM arithmetic ({@link io.xdpemu.ebpf.jit.StraightLineEmitter});
 *       division, modulo, 32-bit shifts, byte swaps and sign extension call {@code
 *       vm.AluSemantics}; loads, stores and atomics call {@code vm.MemoryAccess}: the interpreter's
 *       own static methods, so the engines cannot drift apart.
 *   <li>Verified programs ({@code Engine.prepare(program, facts)} with the verifier's {@link
 *       io.xdpemu.ebpf.facts.ProgramFacts}): a plain load or store the verifier proved in bounds on
 *       every path goes straight to the packet, stack or map-value array, or reads the xdp_md field
 *       ({@link io.xdpemu.ebpf.jit.ProvenAccess}: no tag decode, no bounds check of ours); a fault
 *       there is a {@link io.xdpemu.ebpf.jit.ProvenAccessFaultedException} (a verifier bug, never a
 *       trap); so does a read-modify-write atomic on proven stack or map-value bytes. Their code
 *       carries no instruction meter. {@code --no-verify} programs keep every check.
 *   <li>Map helper calls whose map the verifier proved ({@code ProgramFacts.constantMap}) are bound
 *       to that map object ({@link io.xdpemu.ebpf.jit.MapBinding}): a static call into {@code
 *       helpers.MapCalls} with the map's final class, no helper table or handle; lookups read the
 *       key in place and allocate nothing.
 *   <li>Known constants ({@code ProgramFacts.constant}: a register one constant scalar on every
 *       path, the paths the verifier cut at prune points included) are pushed instead of the
 *       register; a conditional jump whose operands are proven constants is decided at compile
 *       time: no compare, no code for the side never taken ({@link
 *       io.xdpemu.ebpf.jit.Comparison#taken}).
 *   <li>Verified functions receive only the registers their code reads before writing them ({@link
 *       io.xdpemu.ebpf.jit.FunctionParameters}); unverified ones receive r0..r9.
 *   <li>{@code bpf_tail_call} with a proven prog array and index calls the slot's compiled program
 *       from the call site ({@link io.xdpemu.ebpf.jit.TailCallBinding}).
 *   <li>Dead code ({@code ProgramFacts.live}: no verified path reaches it) is sanitized before
 *       decoding, as the kernel's sanitize_dead_code() does, and compiles to a throw of {@code
 *       vm.DeadCode.Reached} (a verifier bug): a dead branch is never taken silently.
 *   <li>Unverified programs keep the instruction budget exactly as the interpreter keeps it (same
 *       trap pc and message, same budget left); trap messages are the interpreter's.
 *   <li>Code depends only on the instructions and the facts: programs with the same ones share one
 *       class (linked ld_imm64 values are read from the {@code JitProgram}). Golden dumps of the
 *       generated code (ASM Textifier) are in {@code src/test/resources/jit-golden} (unverified)
 *       and xdp-runtime's {@code src/test/resources/jit-golden-verified} (with the verifier's
 *       facts).
 *   <li>Fallback: a function whose bytecode would exceed the JVM's 64 KB method limit (roughly
 *       6,000 eBPF instructions; ASM rewrites jumps beyond 16-bit offsets with {@code goto_w})
 *       makes the whole program run in the interpreter, transparently ({@link
 *       io.xdpemu.ebpf.jit.JitEngine#compiled} tells). A tail call from a subprogram into such a
 *       program traps (the interpreter can only start at depth 0).
 * </ul>
 */
package io.xdpemu.ebpf.jit;
