package io.xdpemu.ebpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xdpemu.ebpf.elf.BpfObject;
import io.xdpemu.ebpf.elf.BpfObjectReader;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SpecialFieldsTest {
  @Test
  void findsTheSpinLockInAValueStructFromTheObjectsBtf() {
    String root = System.getProperty("xdpemu.root", "..");
    BpfObject obj = BpfObjectReader.read(Path.of(root, "examples/maps/helpers_misc.o"));
    MapRegistry maps = new MapRegistry(new RegionRegistry(), 2);
    for (MapDefinition d : obj.maps()) {
      maps.create(d);
    }
    SpecialFields.apply(obj.types(), maps);
    assertEquals(
        0, maps.byName("guarded").spinLockOffset(), "struct locked { bpf_spin_lock lock; ... }");
    assertEquals(-1, maps.byName("results").spinLockOffset());
    // With the lock known, BPF_F_LOCK updates are accepted, as the kernel accepts them.
    assertEquals(0, maps.byName("guarded").update(BpfMap.le32(0), new byte[8], BpfMap.BPF_F_LOCK));
  }
}
