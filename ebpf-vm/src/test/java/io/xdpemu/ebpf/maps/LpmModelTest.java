package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.helpers.MapCalls;
import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.Region;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LPM trie's compiled levels against a brute-force longest-prefix match, through random updates
 * and deletes, for data of one word (IPv4), two words (IPv6) and more (20 bytes, compared word by
 * word): every lookup, host-side and as a program makes it (key in place on the stack, value read
 * through the returned pointer), finds the value of the longest stored prefix within the key's own
 * prefixlen.
 */
class LpmModelTest {
  private record Prefix(int len, byte[] data, byte[] value) {}

  private static byte[] key(int len, byte[] data) {
    byte[] k = new byte[4 + data.length];
    ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).putInt(len);
    System.arraycopy(data, 0, k, 4, data.length);
    return k;
  }

  private static boolean matches(byte[] prefix, int len, byte[] data) {
    for (int bit = 0; bit < len; bit++) {
      int a = (prefix[bit / 8] >> (7 - bit % 8)) & 1;
      int b = (data[bit / 8] >> (7 - bit % 8)) & 1;
      if (a != b) {
        return false;
      }
    }
    return true;
  }

  /** Data whose bits are mostly alike, so that prefixes of many lengths match each other. */
  private static byte[] data(Random rnd, int size) {
    byte[] d = new byte[size];
    for (int i = 0; i < size; i++) {
      d[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 0x5a);
    }
    return d;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 16, 20})
  void longestMatchAgreesWithBruteForce(int dataSize) {
    RegionRegistry regions = new RegionRegistry();
    LpmTrieMap m =
        (LpmTrieMap)
            MapFactory.create(
                new MapDefinition(
                    "lpm",
                    MapType.LPM_TRIE,
                    4 + dataSize,
                    8,
                    256,
                    BpfMap.BPF_F_NO_PREALLOC,
                    0,
                    0,
                    0,
                    null,
                    null,
                    null,
                    false),
                1,
                regions);
    ExecutionContext ctx = new ExecutionContext(regions);
    long keyPtr = AddressSpace.pointer(AddressSpace.STACK, 16);
    List<Prefix> model = new ArrayList<>();
    Random rnd = new Random(dataSize);
    int maxLen = 8 * dataSize;
    for (int step = 0; step < 4_000; step++) {
      int len = rnd.nextInt(maxLen + 1);
      byte[] d = data(rnd, dataSize);
      for (int bit = len; bit < maxLen; bit++) { // the model keeps prefixes masked
        d[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
      }
      if (rnd.nextInt(4) == 0) {
        int rc = m.delete(key(len, d));
        boolean present = model.removeIf(p -> p.len() == len && Arrays.equals(p.data(), d));
        assertEquals(present ? 0 : -Errno.ENOENT, rc, "delete at step " + step);
      } else if (model.size() < 200) {
        byte[] v = ByteBuffer.allocate(8).putLong(step).array();
        assertEquals(0, m.update(key(len, d), v, BpfMap.BPF_ANY), "update at step " + step);
        model.removeIf(p -> p.len() == len && Arrays.equals(p.data(), d));
        model.add(new Prefix(len, d, v));
      }
      int keyLen = rnd.nextInt(4) == 0 ? rnd.nextInt(maxLen + 1) : maxLen;
      byte[] probe = data(rnd, dataSize);
      Prefix best = null;
      for (Prefix p : model) {
        if (p.len() <= keyLen
            && matches(p.data(), p.len(), probe)
            && (best == null || p.len() > best.len())) {
          best = p;
        }
      }
      byte[] k = key(keyLen, probe);
      byte[] expected = best == null ? null : best.value();
      assertArrayEquals(expected, m.longestMatch(k), "host lookup at step " + step);
      System.arraycopy(k, 0, ctx.stack().bytes(), 16, k.length);
      long ptr = MapCalls.lookupLpm(m, ctx, keyPtr);
      if (expected == null) {
        assertEquals(0, ptr, "program lookup at step " + step);
      } else {
        Region r = ctx.memory().region(ptr);
        int off = AddressSpace.offset(ptr);
        assertArrayEquals(
            expected,
            Arrays.copyOfRange(r.bytes(), off, off + 8),
            "program lookup at step " + step);
      }
    }
  }
}
