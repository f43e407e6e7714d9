package io.xdpemu.runtime;

/**
 * Consumes values inside a timed loop so that the JIT compiler cannot prove them dead (JMH's
 * Blackhole idea, org.openjdk.jmh.infra.Blackhole): each value is compared with two volatile fields
 * that always differ, so the comparison can never hold, but the compiler must read the fields and
 * compute the value on every iteration to know that. Costs two loads and a compare per call.
 */
final class Blackhole {
  private volatile long left = 0x5deece66dL;
  private volatile long right = ~0x5deece66dL;

  /** Written only when the impossible happens; keeps the branch (and so the values) alive. */
  private long escaped;

  void consume(long result, byte packetByte) {
    long v = result ^ packetByte;
    long l = left;
    long r = right;
    if (v == l & v == r) {
      escaped = v;
    }
  }
}
