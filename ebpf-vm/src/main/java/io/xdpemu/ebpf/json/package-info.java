/**
 * A small JSON reader/writer (no dependency) for maps.json, map-init files and firmware files.
 */
package io.xdpemu.ebpf.json;
