package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel/bpf/arraymap.c + kernel/trace/bpf_trace.c): slots hold perf
 * events opened by user space (one per CPU); {@code bpf_perf_event_output} appends a sample to the
 * event in the chosen slot. xdpemu has no perf events: the host {@linkplain #open opens} a slot for
 * a CPU (the value a user writes is that CPU), and samples are captured in order for the runtime to
 * write to a file.
 *
 * <p>__bpf_perf_event_output(): index {@code BPF_F_CURRENT_CPU} means the running CPU; an index
 * past max_entries is -E2BIG; an empty slot -ENOENT; an event bound to another CPU -EOPNOTSUPP.
 */
public final class PerfEventArrayMap extends BpfMap {
  /** One captured sample. */
  public record Sample(int cpu, int index, byte[] data) {}

  private final int[] eventCpu;
  private final List<Sample> samples = new ArrayList<>();

  PerfEventArrayMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    if (def.keySize() != 4 || def.valueSize() != 4 || def.maxEntries() <= 0) {
      throw new ProgramRejectedException(
          "map '" + def.name() + "': perf_event_array needs key_size 4 and value_size 4");
    }
    this.eventCpu = new int[def.maxEntries()];
    java.util.Arrays.fill(eventCpu, -1);
  }

  /** Opens slot {@code index} with an event bound to {@code cpu} (perf_event_open + update). */
  public synchronized void open(int index, int cpu) {
    eventCpu[index] = cpu;
  }

  /** Opens slot i for CPU i for every CPU, as a perf buffer reader (libbpf perf_buffer) does. */
  public synchronized void openAllCpus() {
    for (int i = 0; i < Math.min(cpus, eventCpu.length); i++) {
      eventCpu[i] = i;
    }
  }

  /** Appends a sample from a program running on {@code cpu}; 0 or a negative errno. */
  public synchronized long output(int cpu, long index, byte[] data) {
    long i = index == 0xffffffffL ? cpu : index;
    if (i >= eventCpu.length) {
      return -Errno.E2BIG;
    }
    int bound = eventCpu[(int) i];
    if (bound < 0) {
      return -Errno.ENOENT;
    }
    if (bound != cpu) {
      return -Errno.EOPNOTSUPP;
    }
    samples.add(new Sample(cpu, (int) i, data));
    return 0;
  }

  /** Captured samples in output order, and clears them. */
  public synchronized List<Sample> drain() {
    List<Sample> out = new ArrayList<>(samples);
    samples.clear();
    return out;
  }

  @Override
  public synchronized byte[][] lookupPerCpu(byte[] key) {
    if (!keyOk(key)) {
      return null;
    }
    int i = u32(key, 0);
    return Integer.compareUnsigned(i, eventCpu.length) < 0 && eventCpu[i] >= 0
        ? new byte[][] {le32(eventCpu[i])}
        : null;
  }

  @Override
  public synchronized int updatePerCpu(byte[] key, byte[][] values, long flags) {
    if (!keyOk(key) || !valueOk(values) || flags != BPF_ANY) {
      return -Errno.EINVAL;
    }
    int i = u32(key, 0);
    if (Integer.compareUnsigned(i, eventCpu.length) >= 0) {
      return -Errno.E2BIG;
    }
    int cpu = u32(values[0], 0);
    if (cpu < 0 || cpu >= cpus) {
      return -Errno.EBADF;
    }
    eventCpu[i] = cpu;
    return 0;
  }

  @Override
  public synchronized int delete(byte[] key) {
    if (!keyOk(key)) {
      return -Errno.EINVAL;
    }
    int i = u32(key, 0);
    if (Integer.compareUnsigned(i, eventCpu.length) >= 0) {
      return -Errno.E2BIG;
    }
    boolean had = eventCpu[i] >= 0;
    eventCpu[i] = -1;
    return had ? 0 : -Errno.ENOENT;
  }

  @Override
  public synchronized List<byte[]> keys() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < eventCpu.length; i++) {
      if (eventCpu[i] >= 0) {
        out.add(le32(i));
      }
    }
    return out;
  }
}
