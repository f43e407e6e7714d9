/**
 * BPF maps with Linux 6.18 semantics, addressable through regions of the memory model.
 *
 * <p>{@link io.xdpemu.ebpf.maps.MapRegistry#create} (or {@link io.xdpemu.ebpf.maps.MapFactory})
 * turns a {@link io.xdpemu.ebpf.maps.MapDefinition} into a {@link io.xdpemu.ebpf.maps.BpfMap}:
 * ARRAY and PERCPU_ARRAY ({@link io.xdpemu.ebpf.maps.ArrayMap}, also global data), HASH,
 * PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH ({@link io.xdpemu.ebpf.maps.HashTableMap}, the LRU ones on
 * the kernel's own LRU lists, {@link io.xdpemu.ebpf.maps.LruList}), LPM_TRIE, PROG_ARRAY, DEVMAP,
 * DEVMAP_HASH, CPUMAP, XSKMAP ({@link io.xdpemu.ebpf.maps.RedirectMap}), RINGBUF, PERF_EVENT_ARRAY,
 * QUEUE, STACK, ARRAY_OF_MAPS and HASH_OF_MAPS. Values live in {@code MAP_VALUE} regions (one per
 * CPU = RX queue for per-CPU maps), so a lookup returns a real pointer that programs dereference
 * with bounds checks and update with truly atomic instructions; a map's handle is the pointer to
 * its empty {@code MAP_HANDLE} region (see {@link io.xdpemu.ebpf.maps.BpfMap}). Errnos, flag
 * checks, element reuse and eviction follow the kernel's map_ops and are pinned against the running
 * kernel by examples/maps. The host side (the {@code bpf(2)} syscall's semantics) serves --map-init
 * and maps.json ({@link io.xdpemu.ebpf.maps.MapsJson}); {@link io.xdpemu.ebpf.maps.MapEvents}
 * collects ring buffer and perf records.
 */
package io.xdpemu.ebpf.maps;
