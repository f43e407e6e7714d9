package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Position;

/**
 * A flow-director style rule (rte_flow MARK): when every field equals its value under the mask, the
 * frame carries {@code mark}.
 */
public record FlowMarkRule(
    Layout.FieldRef[] fields, long[] values, long[] masks, long mark, Position at) {}
