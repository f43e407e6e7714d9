package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * BPF_MAP_TYPE_PROG_ARRAY (kernel/bpf/arraymap.c, the fd_array ops): the jump table of {@code
 * bpf_tail_call}. From the host a value is a program id (the loader's {@link
 * MapRegistry#registerProgram} number, standing in for the fd the syscall takes and the id bpftool
 * dumps). fd_array_map_update_elem(): flags other than BPF_ANY are -EINVAL, an index past
 * max_entries -E2BIG; deleting an empty slot is -ENOENT. Programs cannot look up or update it.
 */
public final class ProgArrayMap extends BpfMap {
  private final AtomicReferenceArray<Program> slots;
  private final MapRegistry owner;

  ProgArrayMap(MapDefinition def, int cpus, RegionRegistry regions, MapRegistry owner) {
    super(def, cpus, regions);
    if (def.keySize() != 4 || def.valueSize() != 4 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': prog_array needs key_size 4, value_size 4, max_entries > 0");
    }
    this.slots = new AtomicReferenceArray<>(def.maxEntries());
    this.owner = owner;
  }

  /** The program in slot {@code index}, or null (an empty slot or an index out of range). */
  public Program program(int index) {
    return Integer.compareUnsigned(index, maxEntries()) < 0 ? slots.get(index) : null;
  }

  /** Host: puts a program in a slot directly (registering it when it has no id yet). */
  public int setProgram(int index, Program program) {
    if (Integer.compareUnsigned(index, maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    owner.registerProgram(program);
    slots.set(index, program);
    return 0;
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key)) {
      return null;
    }
    Program p = program(u32(key, 0));
    return p == null ? null : new byte[][] {le32(owner.programId(p))};
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] values, long flags) {
    if (!keyOk(key) || !valueOk(values) || flags != BPF_ANY) {
      return -Errno.EINVAL;
    }
    int index = u32(key, 0);
    if (Integer.compareUnsigned(index, maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    Program p = owner.program(u32(values[0], 0));
    if (p == null) {
      return -Errno.EBADF;
    }
    slots.set(index, p);
    return 0;
  }

  @Override
  public int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    int index = u32(key, 0);
    if (Integer.compareUnsigned(index, maxEntries()) >= 0) {
      return -Errno.E2BIG;
    }
    return slots.getAndSet(index, null) != null ? 0 : -Errno.ENOENT;
  }

  @Override
  public List<byte[]> keys() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < maxEntries(); i++) {
      if (slots.get(i) != null) {
        out.add(le32(i));
      }
    }
    return out;
  }
}
