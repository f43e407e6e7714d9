package io.xdpemu.ebpf.core;

/** Where a relocation is, for messages: program name, record index, instruction index. */
record CoreRecordContext(String program, int reloIndex, int insnIndex) {
  String prefix() {
    return "prog '" + program + "': relo #" + reloIndex + ": ";
  }
}
