package io.xdpemu.runtime;

import io.xdpemu.nic.Nic;

/**
 * A NIC (firmware) with the program attached to its queues; a firmware swap replaces both at once,
 * because the program is relocated and verified again against the new firmware's BTF.
 *
 * @param nic the NIC (firmware: parser, RSS, metadata writer; the plain one without --firmware)
 * @param program the attached program
 * @param description for reports, e.g. "xdp_prog on mynic v2 (mynic-v2.json)"
 */
public record Attachment(Nic nic, XdpRunner program, String description) {}
