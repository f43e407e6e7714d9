/**
 * A small JSON reader/writer (no dependency) for maps.json, map-init files and firmware files:
 * {@link io.xdpemu.ebpf.json.JsonReader} (comments, positions on every value), the value model
 * ({@link io.xdpemu.ebpf.json.JsonValue}) and {@link io.xdpemu.ebpf.json.JsonWriter}.
 */
package io.xdpemu.ebpf.json;
