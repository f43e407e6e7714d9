/**
 * The glue between xdpemu's files and Jackson (jackson-core's streaming API; no data binding, so
 * start-up loads few classes). Reading: {@link io.xdpemu.ebpf.jackson.JsonFiles} parses the files a
 * user writes by hand (firmware, {@code --map-init}, {@code --fib}) with comments and trailing
 * commas into {@link io.xdpemu.ebpf.jackson.Located} values that remember their {@link
 * io.xdpemu.ebpf.jackson.Position}, because Jackson's own trees drop locations and validation
 * errors must say "malformed FILE:LINE:COL: ...". Writing: {@link io.xdpemu.ebpf.jackson.JsonOut}
 * (maps.json, events.jsonl, summary.json, verify --json).
 */
package io.xdpemu.ebpf.jackson;
