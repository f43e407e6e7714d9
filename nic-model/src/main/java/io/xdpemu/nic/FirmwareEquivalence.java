package io.xdpemu.nic;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.ParseResult;
import java.util.Arrays;

/**
 * Runs frames through both engines of one firmware and reports the first difference: the parse
 * result (every header, offset, ptype, RSS hash and class, checksum verdict, flow mark...), the RSS
 * queue, and the bytes of the metadata block and the RX descriptor written from it. Each side
 * reuses its scratch state from frame to frame, as a queue does, and the output buffers start
 * dirty, so stale state or an unwritten byte shows as a difference.
 */
public final class FirmwareEquivalence {
  private final Side reference;
  private final Side compiled;
  private final boolean isCompiled;
  private long frames;

  public FirmwareEquivalence(Firmware fw) {
    reference = new Side(FirmwareEngine.INTERPRETER.code(fw));
    FirmwareCode c = FirmwareEngine.COMPILED.code(fw);
    isCompiled = c.engine().equals("compiled");
    compiled = new Side(c);
  }

  /** False when the firmware was too large to compile and the NIC would run the interpreter. */
  public boolean compiled() {
    return isCompiled;
  }

  /** Null when both engines agree on {@code p[off, off+len)}, else what differs. */
  public String check(byte[] p, int off, int len) {
    frames++;
    RxFacts facts = new RxFacts();
    facts.timestampNs = 1_767_225_600_000_000_000L + frames * 1000;
    facts.ringAddress = 0xffff_8880_0000_0000L + frames * 64;
    facts.descSize = 8 + (int) (frames % 57);
    facts.dmaBase = 0x1_0000_0000L + frames * 4096;
    facts.bufferIndex = (int) (frames % 1024);
    facts.frameSize = 2048 + (int) (frames % 3) * 1024;
    facts.ringIndex = (int) (frames % 256);
    facts.queue = (int) (frames % 5);
    facts.headroom = 256;
    String a = reference.run(p, off, len, facts);
    String b = compiled.run(p, off, len, facts);
    if (!a.equals(b)) {
      return "interpreter: " + a + "\ncompiled:    " + b;
    }
    if (!Arrays.equals(reference.metadata, compiled.metadata)) {
      return "metadata differs: interpreter "
          + hex(reference.metadata)
          + ", compiled "
          + hex(compiled.metadata);
    }
    if (!Arrays.equals(reference.descriptor, compiled.descriptor)) {
      return "descriptor differs: interpreter "
          + hex(reference.descriptor)
          + ", compiled "
          + hex(compiled.descriptor);
    }
    return null;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }

  /** One engine with the scratch state a queue keeps. */
  private static final class Side {
    final FirmwareCode code;
    final ParseResult result;
    final byte[] scratch;
    final byte[] metadata;
    final byte[] descriptor;

    Side(FirmwareCode code) {
      this.code = code;
      result = code.newResult();
      scratch = new byte[Math.max(1, code.scratchBytes())];
      metadata = new byte[code.metadataSize()];
      descriptor = new byte[code.descriptorSize()];
    }

    String run(byte[] p, int off, int len, RxFacts facts) {
      code.steer(p, off, len, result, scratch);
      int queue = code.queueOf(result.rssHash);
      Arrays.fill(metadata, (byte) 0xa5);
      Arrays.fill(descriptor, (byte) 0x5a);
      if (metadata.length > 0) {
        code.writeMetadata(metadata, 0, result, facts, p, off);
      }
      code.writeDescriptor(descriptor, 0, result, facts, p, off);
      return describe(result) + " queue=" + queue;
    }
  }

  /** Every output of a parse result, headers up to its count. */
  static String describe(ParseResult r) {
    StringBuilder sb = new StringBuilder("headers=[");
    for (int i = 0; i < r.count; i++) {
      sb.append(i == 0 ? "" : " ")
          .append(r.type[i])
          .append('@')
          .append(r.offset[i])
          .append('+')
          .append(r.length[i])
          .append('/')
          .append(r.level[i]);
    }
    return sb.append("] status=")
        .append(r.status)
        .append(" errorOffset=")
        .append(r.errorOffset)
        .append(" packetLength=")
        .append(r.packetLength)
        .append(" ptype=")
        .append(r.ptype)
        .append(" rule=")
        .append(r.ptypeRule)
        .append(" rss=")
        .append(r.rssHash)
        .append('/')
        .append(r.rssHashType)
        .append('/')
        .append(r.rssClass)
        .append(" vlan=")
        .append(r.vlanTci)
        .append('/')
        .append(r.vlanProto)
        .append('@')
        .append(r.vlanOffset)
        .append(" l2..payload=")
        .append(r.l2Offset)
        .append(',')
        .append(r.l3Offset)
        .append(',')
        .append(r.l4Offset)
        .append(',')
        .append(r.innerL3Offset)
        .append(',')
        .append(r.innerL4Offset)
        .append(',')
        .append(r.payloadOffset)
        .append(" ports=")
        .append(r.l4Ports)
        .append(" csum=")
        .append(r.checksumStatus)
        .append(" mark=")
        .append(r.flowMark)
        .toString();
  }
}
