package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF_MAP_TYPE_QUEUE (FIFO) and STACK (LIFO) (kernel/bpf/queue_stack_maps.c): no keys (key_size 0),
 * values pushed and popped. queue_stack_map_push_elem(): BPF_NOEXIST and flags above BPF_EXIST are
 * -EINVAL; a full map is -E2BIG unless BPF_EXIST, which drops the oldest element to make room. Pop
 * and peek of an empty map zero the destination and return -ENOENT. From the host, lookup is peek,
 * update is push, delete is -EINVAL and there are no keys to walk.
 */
public final class QueueStackMap extends BpfMap {
  private final boolean stack;
  private final ArrayDeque<byte[]> items = new ArrayDeque<>();

  QueueStackMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    this.stack = def.type() == MapType.STACK;
    if (def.keySize() != 0 || def.valueSize() <= 0 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '"
              + def.name()
              + "': queue/stack needs key_size 0, value_size > 0, max_entries > 0");
    }
  }

  @Override
  public synchronized long push(byte[] value, long flags) {
    if ((flags & BPF_NOEXIST) != 0 || flags > BPF_EXIST || flags < 0) {
      return -Errno.EINVAL;
    }
    if (items.size() >= maxEntries()) {
      if ((flags & BPF_EXIST) == 0) {
        return -Errno.E2BIG;
      }
      items.pollFirst(); // the oldest: head of the queue, bottom of the stack
    }
    items.addLast(value.clone());
    return 0;
  }

  @Override
  public synchronized long pop(byte[] out, boolean remove) {
    byte[] v =
        stack
            ? (remove ? items.pollLast() : items.peekLast())
            : (remove ? items.pollFirst() : items.peekFirst());
    if (v == null) {
      java.util.Arrays.fill(out, (byte) 0);
      return -Errno.ENOENT;
    }
    System.arraycopy(v, 0, out, 0, valueSize());
    return 0;
  }

  public synchronized int size() {
    return items.size();
  }

  @Override
  public byte[] lookup(byte[] key) {
    byte[] out = new byte[valueSize()];
    return pop(out, false) == 0 ? out : null;
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    byte[] v = lookup(key);
    return v == null ? null : new byte[][] {v};
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] values, long flags) {
    if (!valueOk(values)) {
      return -Errno.EINVAL;
    }
    return (int) push(values[0], flags);
  }

  @Override
  public int delete(byte[] key) {
    return -Errno.EINVAL;
  }

  @Override
  public List<byte[]> keys() {
    return List.of();
  }

  @Override
  public byte[] nextKey(byte[] key) {
    return null;
  }

  /** The elements in pop order, each with an empty key. */
  @Override
  public synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    List<byte[]> order = new ArrayList<>(items);
    if (stack) {
      java.util.Collections.reverse(order);
    }
    for (byte[] v : order) {
      out.add(new Entry(new byte[0], new byte[][] {v.clone()}));
    }
    return out;
  }
}
