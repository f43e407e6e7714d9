package io.xdpemu.ebpf.vm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Helpers by static id (no cap: ids grow the table) and kfuncs by name; the loader resolves a kfunc
 * call's BTF id to a name through the target BTF and asks {@link #kfunc(String)}.
 */
public final class HelperRegistry {
  private Helper[] byId = new Helper[256];
  private String[] names = new String[256];
  private final Map<String, Helper> kfuncs = new HashMap<>();

  public HelperRegistry register(int id, String name, Helper helper) {
    if (id < 0) {
      throw new IllegalArgumentException("negative helper id " + id);
    }
    if (id >= byId.length) {
      int n = Math.max(id + 1, byId.length * 2);
      byId = Arrays.copyOf(byId, n);
      names = Arrays.copyOf(names, n);
    }
    byId[id] = helper;
    names[id] = name;
    return this;
  }

  public HelperRegistry registerKfunc(String name, Helper helper) {
    kfuncs.put(name, helper);
    return this;
  }

  /** The helper with this id, or null. */
  public Helper helper(int id) {
    return id >= 0 && id < byId.length ? byId[id] : null;
  }

  public String name(int id) {
    return id >= 0 && id < names.length ? names[id] : null;
  }

  public Helper kfunc(String name) {
    return kfuncs.get(name);
  }
}
