package io.xdpemu.ebpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.xdpemu.ebpf.maps.BpfMap;
import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.maps.MapDefinition;
import io.xdpemu.ebpf.maps.MapRegistry;
import io.xdpemu.ebpf.maps.MapType;
import io.xdpemu.ebpf.vm.RegionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The host side of the maps (what --map-init and maps.json use) against the kernel's syscall
 * semantics: the same sequence of BPF_MAP_UPDATE_ELEM / DELETE_ELEM goes to the kernel's maps of
 * examples/maps/maps_redirect.o and maps_hash.o (through {@code bpftool map update/delete}) and to
 * xdpemu's maps of the same definitions, and every errno must agree. Skips without root/bpftool
 * (fails under XDPEMU_REQUIRE_KERNEL=1).
 */
class KernelHostUpdateTest {
  /** map, "update"/"delete", key, value (null for delete), flags (any/noexist/exist). */
  private record Op(String map, String op, int key, long value, String flags) {}

  private static final List<Op> OPS =
      List.of(
          new Op("devs", "update", 0, 1, "any"),
          new Op("devs", "update", 0, 1, "noexist"),
          new Op("devs", "update", 0, 1, "exist"),
          new Op("devs", "update", 4, 1, "any"),
          new Op("devs", "update", 1, 99999, "any"),
          new Op("devs", "update", 1, 0, "any"),
          new Op("devs", "delete", 3, 0, null),
          new Op("devs", "delete", 7, 0, null),
          new Op("devhash", "update", 9, 1, "any"),
          new Op("devhash", "update", 9, 1, "noexist"),
          new Op("devhash", "update", 8, 1, "exist"),
          new Op("devhash", "delete", 7, 0, null),
          new Op("cpus", "update", 0, 256, "any"),
          new Op("cpus", "update", 0, 16385, "any"),
          new Op("cpus", "update", 1, 0, "any"),
          new Op("cpus", "update", 2, 1, "any"),
          new Op("cpus", "update", 0, 1, "noexist"),
          new Op("cpus", "delete", 1, 0, null),
          new Op("cpus", "delete", 5, 0, null),
          new Op("xsks", "delete", 1, 0, null),
          new Op("small", "update", 1, 1, "exist"),
          new Op("small", "update", 1, 1, "noexist"),
          new Op("small", "update", 1, 2, "noexist"),
          new Op("small", "update", 2, 2, "any"),
          new Op("small", "update", 3, 2, "any"),
          new Op("small", "update", 4, 2, "any"),
          new Op("small", "update", 5, 2, "any"),
          new Op("small", "delete", 5, 0, null),
          new Op("small", "delete", 4, 0, null),
          new Op("small", "update", 5, 2, "noexist"),
          new Op("pcpu", "update", 1, 3, "any"),
          new Op("pcpu", "update", 2, 3, "any"),
          new Op("pcpu", "update", 3, 3, "any"),
          new Op("pcpu", "update", 2, 4, "exist"),
          new Op("lru", "update", 1, 1, "exist"),
          new Op("lru", "delete", 1, 0, null));

  private static final Map<String, Integer> STRERROR =
      Map.of(
          "File exists", Errno.EEXIST,
          "Argument list too long", Errno.E2BIG,
          "Invalid argument", Errno.EINVAL,
          "Value too large for defined data type", Errno.EOVERFLOW,
          "No such file or directory", Errno.ENOENT,
          "No such device", Errno.ENODEV);

  @Test
  void hostUpdatesAndDeletesReturnTheKernelsErrnos() throws Exception {
    Path bpffs = Path.of("/sys/fs/bpf");
    if (!Files.isWritable(bpffs)
        || !Files.isExecutable(Path.of("/usr/sbin/bpftool"))
            && !Files.isExecutable(Path.of("/usr/bin/bpftool"))) {
      if ("1".equals(System.getenv("XDPEMU_REQUIRE_KERNEL"))) {
        fail("XDPEMU_REQUIRE_KERNEL=1 but bpffs or bpftool is missing");
      }
      Assumptions.assumeTrue(false, "kernel comparison skipped: needs root and bpftool");
    }
    int cpus = KernelExamplesTest.possibleCpus();
    RegionRegistry regions = new RegionRegistry();
    MapRegistry maps = new MapRegistry(regions, cpus);
    // The definitions of maps_redirect.c and maps_hash.c.
    def(maps, "devs", MapType.DEVMAP, 4, 4);
    def(maps, "devhash", MapType.DEVMAP_HASH, 4, 4);
    def(maps, "cpus", MapType.CPUMAP, 4, 2);
    def(maps, "xsks", MapType.XSKMAP, 4, 2);
    def(maps, "small", MapType.HASH, 8, 4);
    def(maps, "pcpu", MapType.PERCPU_HASH, 8, 2);
    def(maps, "lru", MapType.LRU_HASH, 8, 4);
    // Ifindex 1 (lo) exists on every host; 99999 on none.
    maps.setDevices(ifindex -> ifindex == 1);
    String tag = "xdpemu-hostupd-" + ProcessHandle.current().pid();
    List<Path> pins = new ArrayList<>();
    try {
      Map<String, Path> pinned = new java.util.HashMap<>();
      for (String obj : List.of("maps_redirect", "maps_hash")) {
        Path prog = Path.of("/sys/fs/bpf", tag + "-" + obj);
        Path dir = Path.of("/sys/fs/bpf", tag + "-" + obj + "-maps");
        Files.createDirectories(dir);
        pins.add(prog);
        pins.add(dir);
        bpftool(
            "prog",
            "load",
            KernelParityTest.root().resolve("examples/maps/" + obj + ".o").toString(),
            prog.toString(),
            "type",
            "xdp",
            "pinmaps",
            dir.toString());
        try (Stream<Path> s = Files.list(dir)) {
          s.forEach(p -> pinned.put(p.getFileName().toString(), p));
        }
      }
      for (Op op : OPS) {
        BpfMap m = maps.byName(op.map());
        int size = m.valueSize();
        byte[] key = le(op.key(), 4);
        int ours =
            op.op().equals("delete")
                ? m.delete(key)
                : m.update(key, le(op.value(), size), flag(op.flags()));
        List<String> cmd =
            new ArrayList<>(
                List.of("map", op.op(), "pinned", pinned.get(op.map()).toString(), "key"));
        cmd.addAll(hexWords(key));
        if (op.op().equals("update")) {
          cmd.add("value");
          cmd.addAll(hexWords(le(op.value(), size)));
          cmd.add(op.flags());
        }
        int kernel = errnoOf(bpftool(cmd.toArray(new String[0])));
        assertEquals(kernel, ours, op + ": kernel " + kernel + ", xdpemu " + ours);
      }
    } finally {
      for (Path p : pins) {
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.list(p)) {
            for (Path f : (Iterable<Path>) s::iterator) {
              Files.deleteIfExists(f);
            }
          }
        }
        Files.deleteIfExists(p);
      }
    }
  }

  private static void def(MapRegistry maps, String name, int type, int value, int max) {
    maps.create(new MapDefinition(name, type, 4, value, max, 0, 0, 0, 0, null, null, null, false));
  }

  private static long flag(String f) {
    return switch (f) {
      case "noexist" -> BpfMap.BPF_NOEXIST;
      case "exist" -> BpfMap.BPF_EXIST;
      default -> BpfMap.BPF_ANY;
    };
  }

  private static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n && i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  private static List<String> hexWords(byte[] b) {
    List<String> out = new ArrayList<>();
    for (byte x : b) {
      out.add(String.format("0x%02x", x & 0xff));
    }
    return out;
  }

  /** 0, or the negative errno behind bpftool's "Error: update failed: <strerror>". */
  private static int errnoOf(String output) {
    for (Map.Entry<String, Integer> e : STRERROR.entrySet()) {
      if (output.contains("failed: " + e.getKey())) {
        return -e.getValue();
      }
    }
    if (output.contains("Error")) {
      fail("unexpected bpftool error: " + output);
    }
    return 0;
  }

  private static String bpftool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("bpftool");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return text;
  }
}
