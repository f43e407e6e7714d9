package io.xdpemu.ebpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.isa.HelperNames;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.vm.HelperRegistry;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The helper names have one home, {@link HelperNames} (the kernel's func_id_str): every helper
 * xdpemu registers by a kernel id carries exactly that name, so the registration strings cannot
 * drift into a second table.
 */
class HelperNamesAgreeTest {
  @Test
  void everyRegisteredKernelHelperHasTheKernelsName() {
    HelperRegistry reg =
        Helpers.registry(
            new HelperEnvironment(new MapRegistry(new RegionRegistry(), 1), Fib.empty()));
    List<String> differ = new ArrayList<>();
    int registered = 0;
    for (int id = 0; id < 512; id++) {
      if (reg.helper(id) == null) {
        continue;
      }
      registered++;
      if (!reg.name(id).equals(HelperNames.name(id))) {
        differ.add(
            "#" + id + " registered as " + reg.name(id) + ", kernel " + HelperNames.name(id));
      }
    }
    assertTrue(registered >= 40, "only " + registered + " helpers registered");
    assertEquals(List.of(), differ);
  }
}
