package io.xdpemu.ebpf.maps;

import io.xdpemu.ebpf.vm.AddressSpace;
import io.xdpemu.ebpf.vm.Program;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * The maps (and programs) of one loaded object set, resolvable the ways programs and users name
 * them: by handle (the pointer {@code ld_imm64} src 1 yields; its high half is the map's MAP_HANDLE
 * region id), by id (1, 2, ... in creation order: what the host writes as a map-in-map value,
 * standing in for a kernel map id/fd), and by name. Programs get ids too, for PROG_ARRAY values.
 * Also answers whether an ifindex names a device, for DEVMAP updates (the simulated FIB's
 * interfaces; every ifindex when none is configured).
 */
public final class MapRegistry {
  private final RegionRegistry regions;
  private final int cpus;

  /**
   * Maps by the id of their handle region. Region ids are handed out in sequence, so a
   * copy-on-write array indexed by id: every map helper call looks a handle up, and a
   * ConcurrentHashMap keyed by Integer boxed the id (a new Integer above 127) on each call.
   */
  private volatile BpfMap[] byHandleRegion = new BpfMap[0];

  private final ConcurrentHashMap<Integer, RingBufMap> byRingRegion = new ConcurrentHashMap<>();
  private final List<BpfMap> byId = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, BpfMap> byName = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<Program> programs = Collections.synchronizedList(new ArrayList<>());
  private final Map<Program, Integer> programIds =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private volatile IntPredicate devices = ifindex -> true;

  public MapRegistry(RegionRegistry regions, int cpus) {
    if (cpus <= 0) {
      throw new IllegalArgumentException("cpus must be positive: " + cpus);
    }
    this.regions = regions;
    this.cpus = cpus;
  }

  public RegionRegistry regions() {
    return regions;
  }

  public int cpus() {
    return cpus;
  }

  /** Creates a map from its definition and registers it (see {@link MapFactory}). */
  public BpfMap create(MapDefinition def) {
    BpfMap m = MapFactory.create(def, cpus, regions, this);
    add(m);
    return m;
  }

  void add(BpfMap m) {
    synchronized (byId) {
      int id = m.handleRegionId();
      BpfMap[] a = byHandleRegion;
      a = Arrays.copyOf(a, Math.max(a.length, id + 1));
      a[id] = m;
      byHandleRegion = a;
    }
    if (m instanceof RingBufMap rb) {
      byRingRegion.put(rb.regionId(), rb);
    }
    byId.add(m);
    byName.putIfAbsent(m.name(), m);
  }

  /** The map whose handle is {@code pointer}, or null (not a map handle, or not at offset 0). */
  public BpfMap byHandle(long pointer) {
    if (AddressSpace.offset(pointer) != 0) {
      return null;
    }
    int id = AddressSpace.regionId(pointer);
    BpfMap[] a = byHandleRegion;
    return Integer.compareUnsigned(id, a.length) < 0 ? a[id] : null;
  }

  /** The ring buffer whose data region {@code pointer} points into, or null. */
  public RingBufMap ringBufAt(long pointer) {
    return byRingRegion.get(AddressSpace.regionId(pointer));
  }

  public BpfMap byId(int id) {
    synchronized (byId) {
      return id >= 1 && id <= byId.size() ? byId.get(id - 1) : null;
    }
  }

  public int id(BpfMap map) {
    synchronized (byId) {
      return byId.indexOf(map) + 1;
    }
  }

  public BpfMap byName(String name) {
    return byName.get(name);
  }

  /** All maps in creation order. */
  public List<BpfMap> all() {
    synchronized (byId) {
      return List.copyOf(byId);
    }
  }

  /** Gives {@code program} an id (once) and returns it. */
  public int registerProgram(Program program) {
    synchronized (programs) {
      Integer id = programIds.get(program);
      if (id != null) {
        return id;
      }
      programs.add(program);
      programIds.put(program, programs.size());
      return programs.size();
    }
  }

  public int programId(Program program) {
    Integer id = programIds.get(program);
    return id == null ? 0 : id;
  }

  public Program program(int id) {
    synchronized (programs) {
      return id >= 1 && id <= programs.size() ? programs.get(id - 1) : null;
    }
  }

  public Program programByName(String name) {
    synchronized (programs) {
      for (Program p : programs) {
        if (p.name().equals(name)) {
          return p;
        }
      }
      return null;
    }
  }

  /**
   * Fills PROG_ARRAY and map-in-map slots from their definitions' initial values ({@code
   * MapDefinition.initialSlots}, what libbpf's bpf_object__init_prog_arrays and init_map_in_maps do
   * for {@code .values = { [i] = &prog_or_map }}): programs are found with {@code programs} (by
   * function name), inner maps by name in this registry. A slot naming something that does not
   * exist is a {@link io.xdpemu.ebpf.ProgramRejectedException}, as libbpf fails the load.
   */
  public void applyInitialSlots(java.util.function.Function<String, Program> programs) {
    for (BpfMap m : all()) {
      Map<Integer, String> slots = m.definition().initialSlots();
      if (slots == null) {
        continue;
      }
      for (Map.Entry<Integer, String> e : slots.entrySet()) {
        int rc;
        if (m instanceof ProgArrayMap pa) {
          Program p = programs.apply(e.getValue());
          if (p == null) {
            throw new io.xdpemu.ebpf.ProgramRejectedException(
                "map '"
                    + m.name()
                    + "' slot "
                    + e.getKey()
                    + ": no program '"
                    + e.getValue()
                    + "'");
          }
          rc = pa.setProgram(e.getKey(), p);
        } else if (m instanceof MapOfMaps mm) {
          BpfMap inner = byName(e.getValue());
          if (inner == null) {
            throw new io.xdpemu.ebpf.ProgramRejectedException(
                "map '" + m.name() + "' slot " + e.getKey() + ": no map '" + e.getValue() + "'");
          }
          byte[] key = BpfMap.le32(e.getKey());
          rc = mm.setInner(java.util.Arrays.copyOf(key, m.keySize()), inner, BpfMap.BPF_ANY);
        } else {
          continue;
        }
        if (rc != 0) {
          throw new io.xdpemu.ebpf.ProgramRejectedException(
              "map '"
                  + m.name()
                  + "' slot "
                  + e.getKey()
                  + " = '"
                  + e.getValue()
                  + "': error "
                  + rc);
        }
      }
    }
  }

  /** Which ifindexes name devices (DEVMAP updates check it, as dev_get_by_index does). */
  public void setDevices(IntPredicate exists) {
    this.devices = exists;
  }

  boolean deviceExists(int ifindex) {
    return devices.test(ifindex);
  }
}
