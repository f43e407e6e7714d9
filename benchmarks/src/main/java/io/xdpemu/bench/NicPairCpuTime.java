package io.xdpemu.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two builds of {@link NicBench} in one JVM, each from its own benchmarks jar through its own class
 * loader, timed alternately by the thread's CPU time: a before/after comparison that the machine's
 * state cannot bias. On the shared 2-core machine the same jar measured in two JVMs a minute apart
 * differs by up to 1.5x (it flips between a fast and a slow state, wave 7), while two builds
 * measured side by side in one JVM keep their ratio (order swapped: the same difference within ~1
 * ns). Each round times {@code method} of A then B; the median of the rounds after the first two is
 * printed per build.
 *
 * <p>Run, from the repository root: {@code java -cp benchmarks/target/benchmarks.jar
 * io.xdpemu.bench.NicPairCpuTime BEFORE.jar benchmarks/target/benchmarks.jar plain,mynic-v2 steer
 * 10 400} (jars A and B, firmwares, NicBench method - steer, receive or baseline -, rounds,
 * milliseconds per measurement). Run it twice with A and B swapped.
 */
public final class NicPairCpuTime {
  private NicPairCpuTime() {}

  public static void main(String[] args) throws Exception {
    String[] jars = {args[0], args[1]};
    String method = args.length > 3 ? args[3] : "steer";
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    long sliceNs = (args.length > 5 ? Long.parseLong(args[5]) : 400) * 1_000_000L;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String firmware : (args.length > 2 ? args[2] : "plain,mynic-v2").split(",")) {
      Object[] bench = new Object[2];
      Object[] hole = new Object[2];
      Method[] run = new Method[2];
      URLClassLoader[] loaders = new URLClassLoader[2];
      for (int j = 0; j < 2; j++) {
        loaders[j] =
            new URLClassLoader(
                new URL[] {Path.of(jars[j]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> nb = loaders[j].loadClass(NicBench.class.getName());
        Class<?> bh = loaders[j].loadClass("org.openjdk.jmh.infra.Blackhole");
        bench[j] = nb.getConstructor().newInstance();
        nb.getField("firmware").set(bench[j], firmware);
        nb.getField("fwEngine").set(bench[j], "compiled");
        nb.getMethod("setup").invoke(bench[j]);
        hole[j] =
            bh.getConstructor(String.class)
                .newInstance(
                    "Today's password is swordfish. I understand instantiating Blackholes directly"
                        + " is dangerous.");
        run[j] = nb.getMethod(method, bh);
      }
      List<List<Double>> ns = List.of(new ArrayList<>(), new ArrayList<>());
      for (int r = 0; r < rounds; r++) {
        StringBuilder line = new StringBuilder(firmware + " round " + r + " (CPU ns/packet):");
        for (int j = 0; j < 2; j++) {
          long packets = 0;
          long cpu0 = mx.getCurrentThreadCpuTime();
          long end = System.nanoTime() + sliceNs;
          while (System.nanoTime() < end) {
            run[j].invoke(bench[j], hole[j]);
            packets += NicBench.PACKETS;
          }
          double v = (mx.getCurrentThreadCpuTime() - cpu0) / (double) packets;
          if (r >= 2) {
            ns.get(j).add(v);
          }
          line.append(String.format(" %s.%s=%.2f", j == 0 ? "A" : "B", method, v));
        }
        System.out.println(line);
      }
      StringBuilder sum = new StringBuilder(firmware + " " + method + " median CPU ns/packet:");
      for (int j = 0; j < 2; j++) {
        List<Double> x = ns.get(j);
        Collections.sort(x);
        sum.append(String.format(" %s=%.2f", j == 0 ? "A" : "B", x.get(x.size() / 2)));
      }
      System.out.println(sum + "  (A " + jars[0] + ", B " + jars[1] + ")");
      for (int j = 0; j < 2; j++) {
        bench[j].getClass().getMethod("tearDown").invoke(bench[j]);
        loaders[j].close();
      }
    }
  }
}
