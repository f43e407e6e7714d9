/**
 * The software NIC (module nic-model): firmware (parse graph, packet types, RSS, metadata and
 * descriptor layouts), RX queues, frame pool (netty-buffer), hot swap, BTF export. Uses of ebpf-vm:
 * BTF (for the export), the error types, and for the data path one small interface, {@link
 * io.xdpemu.ebpf.vm.RxContext} with the {@link io.xdpemu.ebpf.vm.XdpBuff} it fills and the {@link
 * io.xdpemu.ebpf.vm.RxMetadataSource} the queues implement; never the execution context, the memory
 * model or the engines. Firmware files are read with Jackson, positions kept through
 * io.xdpemu.ebpf.jackson. Must not import io.xdpemu.verifier or io.xdpemu.runtime.
 *
 * <ul>
 *   <li>{@link io.xdpemu.nic.firmware}: the firmware file format ({@code nic-model/FIRMWARE.md}),
 *       read and validated by {@link io.xdpemu.nic.firmware.FirmwareLoader} into a {@link
 *       io.xdpemu.nic.firmware.Firmware}.
 *   <li>{@link io.xdpemu.nic.parse}: the parse graph compiled into tables ({@link
 *       io.xdpemu.nic.parse.PacketParser}) and the fixed-function stages ({@link
 *       io.xdpemu.nic.parse.Classifier}: ptype, RSS, VLAN, offsets, checksums, flow marks).
 *   <li>{@link io.xdpemu.nic.compile}: the firmware compiled to JVM code with ASM (the default
 *       engine; the tables of {@code parse} are the reference, {@link
 *       io.xdpemu.nic.FirmwareEngine}).
 *   <li>{@link io.xdpemu.nic.rss.Toeplitz}: the RSS hash.
 *   <li>{@link io.xdpemu.nic.Nic} and {@link io.xdpemu.nic.RxQueue}: the RX path (frames,
 *       descriptor ring in simulated kernel memory, metadata block, kfunc answers, hot swap).
 *   <li>{@link io.xdpemu.nic.export}: the layouts as split BTF and as a C header.
 * </ul>
 */
package io.xdpemu.nic;
