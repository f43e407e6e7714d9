package io.xdpemu.ebpf.jit;

import io.xdpemu.ebpf.facts.ProgramFacts;
import io.xdpemu.ebpf.helpers.HelperIds;
import io.xdpemu.ebpf.helpers.MapCalls;
import io.xdpemu.ebpf.isa.Insn;
import io.xdpemu.ebpf.isa.Opcodes;
import io.xdpemu.ebpf.maps.ArrayMap;
import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.HashTableMap;
import io.xdpemu.ebpf.maps.LpmTrieMap;
import io.xdpemu.ebpf.vm.DeadCode;
import io.xdpemu.ebpf.vm.Program;

/**
 * Static dispatch of map helper calls: where the verifier proved which map r1 holds ({@link
 * ProgramFacts#constantMap}) and the program's registry holds the standard helper, the JIT calls
 * the {@link MapCalls} method of that map's class with the map object itself (bound per program,
 * read from {@link JitProgram#boundMaps}), instead of the helper table, the handle and the
 * interface call. The lookups of arrays, hashes and LPM tries bind the final class, so the map's
 * own lookup is a direct call C2 can inline.
 */
enum MapBinding {
  LOOKUP_ARRAY("lookupArray", ArrayMap.class),
  LOOKUP_HASH("lookupHash", HashTableMap.class),
  LOOKUP_LPM("lookupLpm", LpmTrieMap.class),
  LOOKUP("lookup", BpfMap.class),
  UPDATE_ARRAY("updateArray", ArrayMap.class),
  UPDATE_HASH("updateHash", HashTableMap.class),
  UPDATE("update", BpfMap.class),
  DELETE("delete", BpfMap.class);

  static final String CALLS = "io/xdpemu/ebpf/helpers/MapCalls";

  /** The MapCalls method and the map class its first parameter names. */
  final String method;

  final String mapClass;

  MapBinding(String method, Class<?> mapClass) {
    this.method = method;
    this.mapClass = mapClass.getName().replace('.', '/');
  }

  /** Whether the call takes r3 and r4 too (value and flags). */
  boolean isUpdate() {
    return this == UPDATE || this == UPDATE_ARRAY || this == UPDATE_HASH;
  }

  /** (map, ctx, r2[, r3, r4]) -> r0. */
  String descriptor() {
    String args = isUpdate() ? "JJJ" : "J";
    return "(L" + mapClass + ";" + Frame.CTX_D + args + ")J";
  }

  /**
   * The binding of each call slot (null: the ordinary helper call), filling {@code maps} with the
   * map object of each bound slot.
   */
  static MapBinding[] bind(Program program, Insn[] insns, ProgramFacts facts, Object[] maps) {
    MapBinding[] out = new MapBinding[insns.length];
    for (int pc = 0; pc < insns.length; pc++) {
      Insn insn = insns[pc];
      if (insn.opcode() != Opcodes.CALL_OP
          || insn.src() != 0
          || DeadCode.isDead(insns, facts, pc)
          || !(program.helpers().helper(insn.imm()) instanceof MapCalls.Standard)) {
        continue;
      }
      int ld = facts.constantMap(pc);
      Object m = ld < 0 ? null : program.linkage().map(ld);
      if (m instanceof BpfMap map) {
        out[pc] = of(insn.imm(), map);
        maps[pc] = out[pc] == null ? null : map;
      }
    }
    return out;
  }

  private static MapBinding of(int helper, BpfMap m) {
    switch (helper) {
      case HelperIds.MAP_LOOKUP_ELEM:
        return m instanceof ArrayMap
            ? LOOKUP_ARRAY
            : m instanceof HashTableMap
                ? LOOKUP_HASH
                : m instanceof LpmTrieMap ? LOOKUP_LPM : LOOKUP;
      case HelperIds.MAP_UPDATE_ELEM:
        return m instanceof ArrayMap
            ? UPDATE_ARRAY
            : m instanceof HashTableMap ? UPDATE_HASH : UPDATE;
      case HelperIds.MAP_DELETE_ELEM:
        return DELETE;
      default:
        return null;
    }
  }
}
