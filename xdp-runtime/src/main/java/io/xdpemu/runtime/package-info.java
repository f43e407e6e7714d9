/**
 * The load pipeline and replay (module xdp-runtime): ELF + BTF + CO-RE + maps + verifier + engine,
 * RX queue threads, actions and sinks, statistics. May depend on every other module.
 *
 * <p>One owner per decision of the load:
 *
 * <ul>
 *   <li>Which BTF CO-RE resolves against (libbpf's target BTF): {@link io.xdpemu.runtime.TargetBtf}
 *       alone, for every command ({@code --btf}, else the firmware's layout on the base, else the
 *       base); a firmware swap asks it again with the new firmware. {@link
 *       io.xdpemu.runtime.LoadPipeline} is handed the result and never chooses.
 *   <li>Relocation: once per load ({@link io.xdpemu.runtime.LoadPipeline#load}, {@code relink},
 *       {@code relocate}), by one {@link io.xdpemu.runtime.ObjectRelocation} that relocates each
 *       program of the object at most once - the program, every tail-call target in a PROG_ARRAY
 *       slot, what {@code verify}/{@code disasm} show.
 *   <li>Instruction text: {@link io.xdpemu.ebpf.isa.Disassembler} (ebpf-vm), for listings and for
 *       the verifier log alike; helper names: {@link io.xdpemu.ebpf.isa.HelperNames}.
 * </ul>
 */
package io.xdpemu.runtime;
