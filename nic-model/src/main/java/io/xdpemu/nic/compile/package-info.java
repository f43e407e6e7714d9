/**
 * The firmware compiler: {@link io.xdpemu.nic.compile.FirmwareCompiler} writes, with ASM, the class
 * of a firmware's steer stage (parse graph, packet-type rules, RSS, flow marks) and layout writers;
 * {@code io.xdpemu.nic.CompiledFirmware} defines it as a hidden class. Semantics are those of the
 * table walkers in {@link io.xdpemu.nic.parse} and {@code io.xdpemu.nic.LayoutWriter}, the
 * reference it is tested equal to ({@link io.xdpemu.nic.FirmwareEquivalence}).
 */
package io.xdpemu.nic.compile;
