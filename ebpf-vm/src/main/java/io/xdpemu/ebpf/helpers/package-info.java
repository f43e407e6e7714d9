/**
 * BPF helpers and XDP kfuncs with the kernel's semantics and return codes, registered by id.
 *
 * <p>{@link io.xdpemu.ebpf.helpers.Helpers#registerAll} fills a {@link
 * io.xdpemu.ebpf.vm.HelperRegistry} with every helper of {@link io.xdpemu.ebpf.helpers.HelperIds}
 * (map operations, push/pop/peek, tail calls, probe reads, clocks, prandom, CPU id, trace_printk,
 * redirect and redirect_map, XDP frame adjustment and load/store, csum_diff, perf and ring buffer
 * output, spin locks, bpf_loop, bpf_for_each_map_elem, jiffies64, check_mtu, fib_lookup) and the
 * three XDP RX-metadata kfuncs by name ({@link io.xdpemu.ebpf.helpers.Kfuncs}), answering from a
 * {@link io.xdpemu.ebpf.helpers.HelperEnvironment}: the loaded maps and the simulated network
 * ({@link io.xdpemu.ebpf.helpers.Fib}, read by {@link io.xdpemu.ebpf.helpers.FibJson} from {@code
 * --fib FILE}). Program memory is touched only through bounds-checked region accesses; misuse (a
 * value that is not a map, a key that runs off its region) is a {@code TrapException}.
 */
package io.xdpemu.ebpf.helpers;
