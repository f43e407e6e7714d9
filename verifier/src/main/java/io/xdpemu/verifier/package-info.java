/**
 * The static checker (module verifier): a Java model of the Linux 6.18 eBPF verifier for XDP
 * programs. Depends on ebpf-vm only; must not import io.xdpemu.nic or io.xdpemu.runtime, and the
 * interpreter does not depend on it.
 *
 * <p>Entry point: {@link io.xdpemu.verifier.Verifier#verify} with {@link
 * io.xdpemu.verifier.VerifierOptions} (privileged = root; unprivileged = CAP_BPF + CAP_NET_ADMIN
 * without CAP_PERFMON) and a {@link io.xdpemu.verifier.ProgramInfo} (what the loader resolved;
 * {@link io.xdpemu.verifier.ObjectProgramInfo} builds it from the ELF loader's objects).
 *
 * <pre>
 *  Cfg (check_cfg: subprogs, reachability, prune and jump points, live regs)
 *   └─ Verifier.doCheck (do_check: one path at a time, branch stack, 1M insn budget)
 *        ├─ AluChecker   check_alu_op, adjust_ptr/scalar_min_max_vals ── ScalarAlu, Bounds, Tnum
 *        ├─ MemChecker   check_mem_access: ctx (xdp_md), packet, map value, mem, stack slots
 *        ├─ JmpChecker   check_cond_jmp_op: branch_taken, reg_set_min_max, pkt ranges, NULL checks
 *        ├─ CallChecker  helpers (HelperProtos), kfuncs, bpf-to-bpf/global calls, bpf_loop, exit
 *        ├─ StatePruner  is_state_visited / states_equal (RegCompare), infinite-loop detection
 *        └─ Precision    mark_chain_precision / backtrack_insn over each state's InsnHist,
 *                        propagate_precision, widen_imprecise_scalars (callbacks)
 *  VerifierLog + StateFormatter + LogInsnText (the verifier's callbacks for the one
 *  disassembler, io.xdpemu.ebpf.isa.Disassembler): the kernel's log text at level 1 and 2
 * </pre>
 *
 * <p>Stack liveness is the kernel's ({@link StackLiveness}, liveness.c); loops follow its SCC
 * bookkeeping for counting ({@link SccVisits}: visits, backedges in peak_states).
 *
 * <p>Known simplifications, all on the safe side (they may reject or explore more, never accept
 * more): speculative-execution paths of unprivileged loaders are simulated for decided branches and
 * stack store barriers but not for pointer arithmetic (sanitize_ptr_alu's speculative window); the
 * backedge states' precision is not propagated when a loop is left (propagate_backedges()): the
 * states around a loop closed on a state still being explored compare all scalars by range instead.
 * One deviation the other way, as the earlier xdpemu did: a callback loop's states compare stack
 * slots byte by byte as for finished states (MISC/INVALID bytes match), where the kernel requires
 * equal slot types (RegCompare.stacksafe).
 */
package io.xdpemu.verifier;
