package io.xdpemu.bench;

import io.xdpemu.nic.Nic;
import io.xdpemu.nic.NicConfig;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FirmwareLoader;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Protocol;
import io.xdpemu.nic.parse.Checksums;
import io.xdpemu.nic.parse.Classifier;
import io.xdpemu.nic.parse.PacketParser;
import io.xdpemu.nic.parse.ParseResult;
import io.xdpemu.nic.rss.Toeplitz;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A floor under {@link NicBench}: the least of the NIC's per-packet work, hand-written for the
 * bundled plain firmware's one case and nothing else, on the same frames, so the NIC's figures can
 * be read against what this machine and JVM need for that work at all.
 *
 * <ul>
 *   <li>{@link #steer}: the frame's RX queue only (Ethernet, VLAN tags, IPv4/IPv6, the L4 ports,
 *       Toeplitz over the kernel's default fields, the indirection table) - no parse result, packet
 *       type, status or hash type kept. Setup checks it gives every frame the queue {@link
 *       Nic#steer} gives it, so it does the work, not less.
 *   <li>{@link #receive}: {@link #steer}, then the frame copied into one of its queue's two buffers
 *       after the headroom and the plain firmware's 32-byte descriptor written into the queue's
 *       ring - no xdp_buff, headroom clearing or statistics.
 *   <li>{@link #verdicts}: mynic-v2's checksum verdicts (the IPv4 header; TCP/UDP over their
 *       pseudo-headers), from the header offsets noted in setup, through the calls the compiled
 *       firmware makes ({@link Checksums#l3Verdict}, {@link Checksums#l4VerdictAt}: the fastest of
 *       the sums measured, see benchmarks/RESULTS.md). Setup checks every frame's verdicts equal
 *       the NIC's.
 * </ul>
 *
 * <p>{@code traffic=mixed-1k} is NicBench's capture; {@code one-frame} its first IPv4/UDP frame
 * 1000 times, so every branch is predicted: the difference is what the mixture costs.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NicFloorBench -f 2 -wi 3 -i 3 -w 1s -r
 * 1s}; from the repository root.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsPrepend = BenchInputs.LAUNCHER_JVM)
public class NicFloorBench {
  static final int PACKETS = ProgramBench.PACKETS;

  /** NicBench's plain NIC has 4 queues. */
  static final int QUEUES = 4;

  @Param({"mixed-1k", "one-frame"})
  public String traffic;

  private byte[][] frames;

  /**
   * The plain firmware's Toeplitz table (input position * 256 + byte) and indirection table (folded
   * onto the NIC's queues).
   */
  private int[] toeplitz;

  private int[] indirection;
  private int indirectionMask;

  /** Per queue: two frame buffers back to back, the descriptor ring, frames received. */
  private final byte[][] buffers = new byte[QUEUES][2 * FRAME];

  private final byte[][] rings = new byte[QUEUES][RING_SLOTS * DESC];
  private final int[] received = new int[QUEUES];

  /**
   * Per frame, six ints: the arguments of mynic-v2's checksum verdicts (see {@link
   * #verdictArgs(ParseResult, Protocol[], int)}).
   */
  private int[] verdictArgs;

  static final int FRAME = 4096;
  static final int HEADROOM = 256;
  static final int RING_SLOTS = 512;
  static final int DESC = 32;
  static final long DMA_BASE = 0x1_0000_0000L;

  private static final VarHandle LE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  @Setup
  public void setup() {
    byte[][] mixed =
        BenchInputs.exactly(
            BenchInputs.frames(BenchInputs.capture("mixed-1k")), PACKETS, "mixed-1k.pcap");
    try (Nic nic = Nic.plain(NicConfig.defaults().withQueues(QUEUES))) {
      toeplitz = new Toeplitz(nic.firmware().rss().key()).flatTable();
      // the table names the firmware's queues; the NIC folds them onto its own (q % queues)
      indirection = nic.firmware().rss().indirection().clone();
      for (int i = 0; i < indirection.length; i++) {
        indirection[i] %= nic.queueCount();
      }
      if (Integer.bitCount(indirection.length) != 1) {
        throw new IllegalStateException("the plain firmware's indirection table is not 2^n");
      }
      indirectionMask = indirection.length - 1;
      for (int i = 0; i < mixed.length; i++) {
        int want = nic.steer(mixed[i], 0, mixed[i].length);
        int got = queue(mixed[i], mixed[i].length);
        if (got != want) {
          throw new IllegalStateException(
              "floor steer gives frame " + i + " queue " + got + ", the NIC " + want);
        }
      }
    }
    frames = traffic.equals("one-frame") ? oneFrame(mixed) : mixed;
    Firmware mynic = FirmwareLoader.load(BenchInputs.firmware("mynic-v2"));
    PacketParser parser = new PacketParser(mynic);
    Classifier classifier = new Classifier(mynic);
    byte[] scratch = new byte[Math.max(1, classifier.scratchBytes())];
    Protocol[] protocolOf = new Protocol[mynic.headers().size()];
    for (HeaderType h : mynic.headers()) {
      protocolOf[h.id()] = h.protocol();
    }
    verdictArgs = new int[frames.length * 6];
    for (int i = 0; i < frames.length; i++) {
      ParseResult r = parser.newResult();
      parser.parse(frames[i], 0, frames[i].length, r);
      classifier.classify(frames[i], 0, r, scratch);
      verdictArgs(r, protocolOf, i);
      if (verdicts(frames[i], verdictArgs, i * 6) != r.checksumStatus) {
        throw new IllegalStateException(
            "floor checksum verdicts of frame " + i + " differ from the NIC's");
      }
    }
  }

  /**
   * Frame {@code i}'s arguments of the checksum verdicts, as the compiled firmware notes them while
   * it pushes headers: the first IPv4 header at level 0 (offset, length), and the TCP/UDP header
   * that follows the last IP header before it (IP offset and length, L4 offset and length, kind);
   * -1 where there is none. IPv6 fragment and extension headers are not looked at, which the NIC's
   * verdicts do (a fragment, or a routing header with segments left, leaves L4 unchecked): mixed-1k
   * has none, and the setup's comparison with the NIC's verdicts would catch one.
   */
  private void verdictArgs(ParseResult r, Protocol[] protocolOf, int i) {
    int[] a = verdictArgs;
    int at = i * 6;
    Arrays.fill(a, at, at + 6, -1);
    int ip = -1;
    for (int k = 0; k < r.count && r.level[k] == 0; k++) {
      Protocol proto = protocolOf[r.type[k]];
      if (proto == Protocol.IPV4 || proto == Protocol.IPV6) {
        if (ip < 0 && proto == Protocol.IPV4) {
          a[at] = r.offset[k];
          a[at + 1] = r.length[k];
        }
        ip = k;
      } else if ((proto == Protocol.TCP || proto == Protocol.UDP) && ip >= 0) {
        a[at + 2] = r.offset[ip];
        a[at + 3] = r.length[ip];
        a[at + 4] = r.offset[k];
        a[at + 5] =
            r.length[k]
                | (protocolOf[r.type[ip]] == Protocol.IPV4 ? Checksums.L4_OVER_IPV4 << 16 : 0)
                | (proto == Protocol.TCP ? Checksums.L4_TCP << 16 : 0);
        return;
      }
    }
  }

  /** The checksum verdicts of frame {@code f} from its arguments at {@code a[at]}. */
  private static int verdicts(byte[] f, int[] a, int at) {
    int st = a[at] >= 0 ? Checksums.l3Verdict(f, a[at], a[at + 1]) : 0;
    int l4 = a[at + 5];
    if (a[at + 4] >= 0) {
      st |=
          Checksums.l4VerdictAt(
              f, a[at + 2], a[at + 3], a[at + 4], l4 & 0xffff, l4 >>> 16, f.length);
    }
    return st;
  }

  /** The first IPv4/UDP frame of the capture, PACKETS times. */
  private static byte[][] oneFrame(byte[][] mixed) {
    for (byte[] f : mixed) {
      if (u16(f, 12) == 0x0800 && (f[23] & 0xff) == 17) {
        byte[][] same = new byte[PACKETS][];
        Arrays.fill(same, f);
        return same;
      }
    }
    throw new IllegalStateException("mixed-1k.pcap holds no IPv4/UDP frame");
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void steer(Blackhole bh) {
    byte[][] fs = frames;
    for (int i = 0; i < fs.length; i++) {
      byte[] f = fs[i];
      bh.consume(queue(f, f.length));
    }
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void receive(Blackhole bh) {
    byte[][] fs = frames;
    for (int i = 0; i < fs.length; i++) {
      byte[] f = fs[i];
      int len = f.length;
      int q = queue(f, len);
      int n = received[q]++;
      int k = n & 1;
      System.arraycopy(f, 0, buffers[q], k * FRAME + HEADROOM, len);
      byte[] ring = rings[q];
      int d = (n & (RING_SLOTS - 1)) * DESC;
      LE64.set(ring, d, (long) len);
      LE64.set(ring, d + 8, DMA_BASE + ((long) q << 28) + (long) k * FRAME);
      LE64.set(ring, d + 16, (long) (n & (RING_SLOTS - 1)));
      LE64.set(ring, d + 24, 0L);
      bh.consume(q);
    }
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public void verdicts(Blackhole bh) {
    byte[][] fs = frames;
    int[] a = verdictArgs;
    for (int i = 0; i < fs.length; i++) {
      bh.consume(verdicts(fs[i], a, i * 6));
    }
  }

  /**
   * The plain firmware's queue for a frame: RSS over IPv4/IPv6 addresses plus TCP/UDP ports (not
   * for IPv4 fragments, nor when the 4 port bytes are cut off), over the addresses alone for other
   * IP frames; anything else hashes to 0.
   */
  private int queue(byte[] f, int len) {
    int[] t = toeplitz;
    int off = 12;
    if (len < 14) {
      return indirection[0];
    }
    int type = u16(f, off);
    int tags = 0;
    while ((type == 0x8100 || type == 0x88a8) && tags < 15) {
      if (off + 6 > len) {
        return indirection[0];
      }
      off += 4;
      tags++;
      type = u16(f, off);
    }
    off += 2;
    int h;
    if (type == 0x0800) {
      if (off + 20 > len) {
        return indirection[0];
      }
      int ihl = (f[off] & 15) << 2;
      if (ihl < 20 || off + ihl > len) {
        return indirection[0];
      }
      h = hash(f, off + 12, 0, 8, t);
      int proto = f[off + 9] & 0xff;
      boolean fragment = (f[off + 6] & 0x20) != 0 || ((f[off + 6] & 0x1f) | f[off + 7]) != 0;
      if ((proto == 6 || proto == 17) && !fragment && off + ihl + 4 <= len) {
        h ^= hash(f, off + ihl, 8, 4, t);
      }
    } else if (type == 0x86dd) {
      if (off + 40 > len) {
        return indirection[0];
      }
      h = hash(f, off + 8, 0, 32, t);
      int next = f[off + 6] & 0xff;
      if ((next == 6 || next == 17) && off + 44 <= len) {
        h ^= hash(f, off + 40, 32, 4, t);
      }
    } else {
      h = 0;
    }
    return indirection[h & indirectionMask];
  }

  /** Toeplitz of {@code f[at, at + n)} placed at input position {@code pos}. */
  private static int hash(byte[] f, int at, int pos, int n, int[] t) {
    int h = 0;
    for (int i = 0; i < n; i++) {
      h ^= t[(pos + i) << 8 | (f[at + i] & 0xff)];
    }
    return h;
  }

  private static int u16(byte[] f, int at) {
    return (f[at] & 0xff) << 8 | f[at + 1] & 0xff;
  }
}
