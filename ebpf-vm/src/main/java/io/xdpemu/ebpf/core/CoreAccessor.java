package io.xdpemu.ebpf.core;

/**
 * One high-level step of a CO-RE spec ({@code struct bpf_core_accessor}): a named member of
 * composite {@code typeId} at member index {@code idx}, or, when {@code name} is null, element
 * {@code idx} of an array whose element type is {@code typeId}. For enum relocations, enumerator
 * {@code idx} of enum {@code typeId}.
 */
record CoreAccessor(int typeId, int idx, String name) {}
