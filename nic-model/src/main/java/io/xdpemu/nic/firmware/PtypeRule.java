package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;

/**
 * One row of the packet-type TCAM: the rule matches when the listed header types occur in the
 * parsed stack in this order (not necessarily adjacent) and, with {@code exact}, nothing else does;
 * first match wins.
 */
public record PtypeRule(String name, int[] headers, boolean exact, long ptype, Position at) {}
