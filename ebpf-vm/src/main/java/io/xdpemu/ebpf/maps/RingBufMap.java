package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): a multi-producer, single-consumer byte ring of
 * {@code max_entries} bytes (a power of two, a multiple of the 4096-byte page). Each record is an
 * 8-byte header and its sample, rounded up to 8 bytes:
 *
 * <pre>
 *  pos % size
 *  +--------------------------+------------+--------------------+--------
 *  | len:30 | DISCARD | BUSY  |  pg_off:32 |  sample (len bytes) | pad to 8 ...
 *  +--------------------------+------------+--------------------+--------
 *    bit 31 = BUSY (reserved, not yet committed), bit 30 = DISCARD
 * </pre>
 *
 * The kernel maps the data pages twice so a record that wraps is contiguous; here the region is
 * {@code 2 * size} bytes and the part of a sample written past {@code size} is copied to the start
 * at commit. A reservation fails when the producer would get more than {@code size - 1} bytes ahead
 * of the consumer (__bpf_ringbuf_reserve). The host is the consumer: {@link #poll} returns
 * committed records in order, stops at the first one still reserved, and skips discarded ones.
 */
public final class RingBufMap extends BpfMap {
  public static final int BUSY_BIT = 1 << 31;
  public static final int DISCARD_BIT = 1 << 30;
  public static final int HDR_SIZE = 8;
  public static final long RINGBUF_MAX_RECORD_SZ = 0xffffffffL / 4;

  private final int size;
  private final byte[] data;
  private final Region region;
  private final int regionId;
  private long consumer;
  private long producer;

  RingBufMap(MapDefinition def, int cpus, RegionRegistry regions) {
    super(def, cpus, regions);
    int n = def.maxEntries();
    if (def.keySize() != 0 || def.valueSize() != 0 || n < 4096 || Integer.bitCount(n) != 1) {
      throw new ProgramRejectedException(
          "map '"
              + def.name()
              + "': ringbuf needs key_size 0, value_size 0 and max_entries a power-of-2"
              + " multiple of 4096, got "
              + n);
    }
    this.size = n;
    this.data = new byte[2 * n];
    this.region = new Region("ringbuf:" + def.name(), Region.Kind.RINGBUF, data);
    this.regionId = regions.register(region);
  }

  int regionId() {
    return regionId;
  }

  /** bpf_ringbuf_reserve: a pointer to {@code len} writable bytes, or 0. */
  public synchronized long reserve(ExecutionContext ctx, long len, long flags) {
    if (flags != 0 || len > RINGBUF_MAX_RECORD_SZ || len < 0) {
      return 0;
    }
    long total = (len + HDR_SIZE + 7) & ~7L;
    if (total > size) {
      return 0;
    }
    if (producer + total - consumer > size - 1) {
      return 0;
    }
    int at = (int) (producer % size);
    putInt(at, (int) len | BUSY_BIT);
    putInt(at + 4, 0);
    producer += total;
    AddressSpace mem = ctx.memory();
    if (mem.byId(regionId) == null) {
      mem.install(regionId, region);
    }
    return AddressSpace.pointer(regionId, at + HDR_SIZE);
  }

  /**
   * bpf_ringbuf_submit / discard for the sample at {@code samplePointer}; false when the pointer is
   * not a reserved, uncommitted record of this ring buffer.
   */
  public synchronized boolean commit(long samplePointer, boolean discard) {
    if (AddressSpace.regionId(samplePointer) != regionId) {
      return false;
    }
    int at = AddressSpace.offset(samplePointer) - HDR_SIZE;
    if (at < 0 || at >= size || (at & 7) != 0) {
      return false;
    }
    int hdr = getInt(at);
    if ((hdr & BUSY_BIT) == 0) {
      return false;
    }
    int len = hdr & ~(BUSY_BIT | DISCARD_BIT);
    int end = at + HDR_SIZE + len;
    if (end > size) {
      System.arraycopy(data, size, data, 0, end - size);
    }
    putInt(at, len | (discard ? DISCARD_BIT : 0));
    return true;
  }

  /** bpf_ringbuf_output: reserve, copy, commit; -EAGAIN when there is no room. */
  public synchronized long output(byte[] sample, long flags) {
    if ((flags & ~3L) != 0) {
      return -Errno.EINVAL;
    }
    long total = (sample.length + HDR_SIZE + 7) & ~7L;
    if (total > size || producer + total - consumer > size - 1) {
      return -Errno.EAGAIN;
    }
    int at = (int) (producer % size);
    producer += total;
    for (int i = 0; i < sample.length; i++) {
      data[(at + HDR_SIZE + i) % size] = sample[i];
    }
    putInt(at, sample.length);
    putInt(at + 4, 0);
    return 0;
  }

  /** bpf_ringbuf_query: BPF_RB_AVAIL_DATA 0, RING_SIZE 1, CONS_POS 2, PROD_POS 3; else 0. */
  public synchronized long query(long flags) {
    return switch ((int) flags) {
      case 0 -> producer - consumer;
      case 1 -> size;
      case 2 -> consumer;
      case 3 -> producer;
      default -> 0;
    };
  }

  /** Consumes every committed record in order (discarded ones skipped) and returns the samples. */
  public synchronized List<byte[]> poll() {
    List<byte[]> out = new ArrayList<>();
    while (consumer < producer) {
      int at = (int) (consumer % size);
      int hdr = getInt(at);
      if ((hdr & BUSY_BIT) != 0) {
        break;
      }
      int len = hdr & ~DISCARD_BIT;
      if ((hdr & DISCARD_BIT) == 0) {
        byte[] s = new byte[len];
        for (int i = 0; i < len; i++) {
          s[i] = data[(at + HDR_SIZE + i) % size];
        }
        out.add(s);
      }
      consumer += (len + HDR_SIZE + 7) & ~7L;
    }
    return out;
  }

  private int getInt(int at) {
    return u32(data, at);
  }

  private void putInt(int at, int v) {
    data[at] = (byte) v;
    data[at + 1] = (byte) (v >>> 8);
    data[at + 2] = (byte) (v >>> 16);
    data[at + 3] = (byte) (v >>> 24);
  }

  @Override
  public byte[][] lookupPerCpu(byte[] key) {
    return null;
  }

  @Override
  public int updatePerCpu(byte[] key, byte[][] values, long flags) {
    return -Errno.ENOTSUPP;
  }

  @Override
  public int delete(byte[] key) {
    return -Errno.ENOTSUPP;
  }

  @Override
  public List<byte[]> keys() {
    return List.of();
  }

  @Override
  public byte[] nextKey(byte[] key) {
    return null;
  }
}
