package io.xdpemu.nic.parse;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.FlowMarkRule;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.Layout;
import io.xdpemu.nic.firmware.Protocol;
import io.xdpemu.nic.firmware.PtypeRule;
import io.xdpemu.nic.firmware.RssConfig;
import io.xdpemu.nic.rss.Toeplitz;

/**
 * The NIC's fixed-function stages after the parser: packet-type TCAM, RSS, VLAN tag, L3/L4 offsets,
 * checksum validation and flow marks. Stateless and shared by all queues; the caller passes a
 * scratch buffer for the RSS input.
 */
public final class Classifier {
  private final Protocol[] protocolOf;
  private final PtypeRule[] ptypes;
  private final long defaultPtype;
  private final RssConfig rss;
  private final Toeplitz toeplitz;
  private final boolean csumL3;
  private final boolean csumL4;
  private final FlowMarkRule[] marks;

  /** The RSS indirection table, and its size - 1 when that is a power of two (else -1). */
  private final int[] indirection;

  private final int retaMask;

  public Classifier(Firmware fw) {
    protocolOf = new Protocol[fw.headers().size()];
    for (HeaderType h : fw.headers()) {
      protocolOf[h.id()] = h.protocol();
    }
    ptypes = fw.ptypes().toArray(new PtypeRule[0]);
    defaultPtype = fw.defaultPtype();
    rss = fw.rss();
    toeplitz = rss == null ? null : new Toeplitz(rss.key());
    indirection = rss == null ? null : rss.indirection().clone();
    retaMask =
        indirection != null && Integer.bitCount(indirection.length) == 1
            ? indirection.length - 1
            : -1;
    csumL3 = fw.checksumL3();
    csumL4 = fw.checksumL4();
    marks = fw.flowMarks().toArray(new FlowMarkRule[0]);
  }

  /** Scratch size callers must provide to {@link #classify}. */
  public int scratchBytes() {
    return toeplitz == null ? 0 : toeplitz.maxInput();
  }

  public RssConfig rss() {
    return rss;
  }

  /** Fills the derived outputs of {@code r}, which {@link PacketParser} has just filled. */
  public void classify(byte[] p, int off, ParseResult r, byte[] scratch) {
    ptype(r);
    offsets(p, off, r);
    rss(p, off, r, scratch);
    r.checksumStatus = checksumStatus(p, off, r);
    r.flowMark = mark(p, off, r);
  }

  /**
   * The checksum verdicts (0 when the firmware checks none): fixed-function, shared as it is by the
   * compiled firmware.
   */
  public int checksumStatus(byte[] p, int off, ParseResult r) {
    return csumL3 || csumL4 ? Checksums.status(p, off, r, protocolOf, csumL3, csumL4) : 0;
  }

  private void ptype(ParseResult r) {
    for (int i = 0; i < ptypes.length; i++) {
      PtypeRule rule = ptypes[i];
      if (matches(rule.headers(), r, -1, rule.exact())) {
        r.ptype = rule.ptype();
        r.ptypeRule = i;
        return;
      }
    }
    r.ptype = defaultPtype;
    r.ptypeRule = -1;
  }

  /** Subsequence match of {@code headers} on the stack (at {@code lvl}, or all levels if -1). */
  private static boolean matches(int[] headers, ParseResult r, int lvl, boolean exact) {
    int j = 0;
    int considered = 0;
    for (int i = 0; i < r.count && (j < headers.length || exact); i++) {
      if (lvl >= 0 && r.level[i] != lvl) {
        continue;
      }
      considered++;
      if (j < headers.length && r.type[i] == headers[j]) {
        j++;
      } else if (exact) {
        return false;
      }
    }
    return j == headers.length && (!exact || considered == headers.length);
  }

  /**
   * L2/L3/L4 offsets, outer ports and the VLAN tag from the header stack (the compiled firmware
   * notes the same as it pushes headers: compile.StackFacts).
   */
  private void offsets(byte[] p, int off, ParseResult r) {
    r.l2Offset = -1;
    r.l3Offset = -1;
    r.l4Offset = -1;
    r.innerL3Offset = -1;
    r.innerL4Offset = -1;
    r.vlanOffset = -1;
    r.vlanTci = 0;
    r.vlanProto = 0;
    r.l4Ports = 0;
    int maxLevel = r.maxLevel();
    for (int i = 0; i < r.count; i++) {
      Protocol.Layer layer = protocolOf[r.type[i]].layer();
      int o = r.offset[i];
      boolean outer = r.level[i] == 0;
      boolean inner = maxLevel > 0 && r.level[i] == maxLevel;
      if (outer && r.l2Offset < 0 && layer == Protocol.Layer.L2) {
        r.l2Offset = o;
      }
      if (layer == Protocol.Layer.L3) {
        if (outer && r.l3Offset < 0) {
          r.l3Offset = o;
        }
        if (inner && r.innerL3Offset < 0) {
          r.innerL3Offset = o;
        }
      } else if (layer == Protocol.Layer.L4) {
        if (outer && r.l4Offset < 0) {
          r.l4Offset = o;
          Protocol proto = protocolOf[r.type[i]];
          if ((proto == Protocol.TCP || proto == Protocol.UDP || proto == Protocol.SCTP)
              && r.length[i] >= 4) {
            r.l4Ports = Bits.u16(p, off + o) << 16 | Bits.u16(p, off + o + 2);
          }
        }
        if (inner && r.innerL4Offset < 0) {
          r.innerL4Offset = o;
        }
      }
      if (outer && r.vlanOffset < 0 && protocolOf[r.type[i]] == Protocol.VLAN && o >= 2) {
        r.vlanOffset = o;
        r.vlanProto = Bits.u16(p, off + o - 2); // the TPID is the EtherType field before the tag
        r.vlanTci = Bits.u16(p, off + o);
      }
    }
  }

  private void rss(byte[] p, int off, ParseResult r, byte[] scratch) {
    r.rssHash = 0;
    r.rssHashType = 0;
    r.rssClass = -1;
    if (rss == null) {
      return;
    }
    int lvl = rss.inner() ? r.maxLevel() : 0;
    for (int c = 0; c < rss.classes().size(); c++) {
      RssConfig.TrafficClass tc = rss.classes().get(c);
      if (!matches(tc.match(), r, lvl, false)) {
        continue;
      }
      int n = 0;
      boolean complete = true;
      for (Layout.FieldRef f : tc.fields()) {
        int idx = r.first(f.header(), lvl);
        if (idx < 0) {
          complete = false;
          break;
        }
        int bytes = f.width() / 8;
        System.arraycopy(p, off + r.offset[idx] + f.bitOffset() / 8, scratch, n, bytes);
        n += bytes;
      }
      if (!complete) {
        continue;
      }
      r.rssHash = toeplitz.hash(scratch, 0, n);
      r.rssHashType = tc.hashType().value();
      r.rssClass = c;
      return;
    }
  }

  /** queue = indirection[hash mod size] (hash as unsigned). */
  public int queueOf(int hash) {
    if (rss == null) {
      return 0;
    }
    int[] reta = indirection;
    long h = hash & 0xffffffffL; // the hash is unsigned: never negative here, so % is the modulo
    return reta[retaMask >= 0 ? (int) h & retaMask : (int) (h % reta.length)];
  }

  private long mark(byte[] p, int off, ParseResult r) {
    outer:
    for (FlowMarkRule rule : marks) {
      for (int i = 0; i < rule.fields().length; i++) {
        Layout.FieldRef f = rule.fields()[i];
        int idx = r.first(f.header(), 0);
        if (idx < 0) {
          continue outer;
        }
        long v = Bits.get(p, off + r.offset[idx], f.bitOffset(), f.width());
        if ((v & rule.masks()[i]) != rule.values()[i]) {
          continue outer;
        }
      }
      return rule.mark();
    }
    return 0;
  }
}
