package io.xdpemu.nic.parse;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.HeaderType;
import io.xdpemu.nic.firmware.ParseState;

/**
 * The firmware's parse graph compiled into flat arrays and walked like a hardware parser's state
 * table (compare Netronome's generated per-node blocks and ice's CAM): per state, extract a header,
 * build the select key, find the first matching value/mask row. No allocation per packet; every
 * read is bounds-checked against the frame length first.
 */
public final class PacketParser {
  // Header types.
  private final int[] hMinBytes;
  private final int[] hAdd;
  private final int[] hMin;
  private final int[] hMax;
  private final int[][] hTermOff;
  private final int[][] hTermWidth;
  private final int[][] hTermMul;
  // States.
  private final int[] sHeader;
  private final int[] sMaxRepeat;
  private final boolean[] sInner;
  private final int[][] sKeyHeader;
  private final int[][] sKeyOff;
  private final int[][] sKeyWidth;
  private final long[][][] sValues;
  private final long[][][] sMasks;
  private final int[][] sNext;
  private final int[] sDefault;
  private final int start;
  private final int maxDepth;
  private final int headerTypes;

  public PacketParser(Firmware fw) {
    int nh = fw.headers().size();
    headerTypes = nh;
    hMinBytes = new int[nh];
    hAdd = new int[nh];
    hMin = new int[nh];
    hMax = new int[nh];
    hTermOff = new int[nh][];
    hTermWidth = new int[nh][];
    hTermMul = new int[nh][];
    for (HeaderType h : fw.headers()) {
      int i = h.id();
      HeaderType.Length l = h.length();
      hMinBytes[i] = h.minBytes();
      hAdd[i] = l.add();
      hMin[i] = l.min();
      hMax[i] = l.max();
      int n = l.termField().length;
      hTermOff[i] = new int[n];
      hTermWidth[i] = new int[n];
      hTermMul[i] = l.termMul().clone();
      for (int t = 0; t < n; t++) {
        HeaderType.Field f = h.fields().get(l.termField()[t]);
        hTermOff[i][t] = f.bitOffset();
        hTermWidth[i][t] = f.width();
      }
    }
    int ns = fw.states().size();
    sHeader = new int[ns];
    sMaxRepeat = new int[ns];
    sInner = new boolean[ns];
    sKeyHeader = new int[ns][];
    sKeyOff = new int[ns][];
    sKeyWidth = new int[ns][];
    sValues = new long[ns][][];
    sMasks = new long[ns][][];
    sNext = new int[ns][];
    sDefault = new int[ns];
    for (ParseState s : fw.states()) {
      int i = s.id();
      sHeader[i] = s.header();
      sMaxRepeat[i] = s.maxRepeat();
      sInner[i] = s.enterInner();
      int nk = s.keys().length;
      sKeyHeader[i] = new int[nk];
      sKeyOff[i] = new int[nk];
      sKeyWidth[i] = new int[nk];
      for (int k = 0; k < nk; k++) {
        sKeyHeader[i][k] = s.keys()[k].header();
        sKeyOff[i][k] = s.keys()[k].bitOffset();
        sKeyWidth[i][k] = s.keys()[k].width();
      }
      int nt = s.transitions().length;
      sValues[i] = new long[nt][];
      sMasks[i] = new long[nt][];
      sNext[i] = new int[nt];
      for (int t = 0; t < nt; t++) {
        sValues[i][t] = s.transitions()[t].values();
        sMasks[i][t] = s.transitions()[t].masks();
        sNext[i][t] = s.transitions()[t].next();
      }
      sDefault[i] = s.defaultNext();
    }
    start = fw.start();
    maxDepth = fw.maxDepth();
  }

  public int maxDepth() {
    return maxDepth;
  }

  public int headerTypes() {
    return headerTypes;
  }

  /** A result sized for this parser. */
  public ParseResult newResult() {
    return new ParseResult(maxDepth);
  }

  /** Parses {@code p[off, off+len)}; header offsets in {@code r} are relative to {@code off}. */
  public void parse(byte[] p, int off, int len, ParseResult r) {
    r.reset(len);
    int cursor = 0;
    int state = start;
    int prev = -1;
    int repeat = 0;
    int level = 0;
    int steps = 0;
    int stepLimit = maxDepth * 4;
    while (state >= 0) {
      if (++steps > stepLimit) {
        fail(r, ParseStatus.TOO_DEEP, cursor);
        return;
      }
      repeat = state == prev ? repeat + 1 : 1;
      if (repeat > sMaxRepeat[state]) {
        fail(r, ParseStatus.STACK_OVERFLOW, cursor);
        return;
      }
      int h = sHeader[state];
      if (h >= 0) {
        if (r.count >= maxDepth || r.count >= r.capacity()) {
          fail(r, ParseStatus.TOO_DEEP, cursor);
          return;
        }
        int left = len - cursor;
        if (left < hMinBytes[h]) {
          fail(r, ParseStatus.TRUNCATED, cursor);
          return;
        }
        int hl = hAdd[h];
        int[] termOff = hTermOff[h];
        if (termOff.length > 0) {
          long sum = hl;
          for (int t = 0; t < termOff.length; t++) {
            sum += Bits.get(p, off + cursor, termOff[t], hTermWidth[h][t]) * hTermMul[h][t];
          }
          if (sum < hMin[h] || sum > hMax[h]) {
            fail(r, ParseStatus.BAD_LENGTH, cursor);
            return;
          }
          hl = (int) sum;
        }
        if (hl > left) {
          fail(r, ParseStatus.TRUNCATED, cursor);
          return;
        }
        r.push(h, cursor, hl, level);
        cursor += hl;
      }
      if (sInner[state]) {
        level++;
      }
      prev = state;
      state = select(p, off, len, cursor, state, r);
      if (state == ParseState.REJECT) {
        fail(r, r.status == ParseStatus.OK ? ParseStatus.REJECTED : r.status, cursor);
        return;
      }
      if (state == TRUNCATED_KEY) {
        fail(r, ParseStatus.TRUNCATED, cursor);
        return;
      }
    }
    r.payloadOffset = cursor;
  }

  private static final int TRUNCATED_KEY = -100;

  private int select(byte[] p, int off, int len, int cursor, int state, ParseResult r) {
    int[] kh = sKeyHeader[state];
    int nk = kh.length;
    long[][] values = sValues[state];
    if (nk == 0) {
      return sDefault[state];
    }
    for (int c = 0; c < nk; c++) {
      if (kh[c] < 0
          && (long) cursor * 8 + sKeyOff[state][c] + sKeyWidth[state][c] > (long) len * 8) {
        return TRUNCATED_KEY; // lookahead past the end of the frame
      }
    }
    // A local key array would allocate, so multi-component keys (rare) are recomputed per row
    // and the common single-component key is computed once.
    if (nk == 1) {
      long k = key(p, off, cursor, state, 0, r);
      long[][] masks = sMasks[state];
      for (int t = 0; t < values.length; t++) {
        if ((k & masks[t][0]) == values[t][0]) {
          return sNext[state][t];
        }
      }
      return sDefault[state];
    }
    for (int t = 0; t < values.length; t++) {
      boolean match = true;
      for (int c = 0; c < nk && match; c++) {
        long k = key(p, off, cursor, state, c, r);
        match = (k & sMasks[state][t][c]) == values[t][c];
      }
      if (match) {
        return sNext[state][t];
      }
    }
    return sDefault[state];
  }

  private long key(byte[] p, int off, int cursor, int state, int c, ParseResult r) {
    int h = sKeyHeader[state][c];
    int bitOff = sKeyOff[state][c];
    int width = sKeyWidth[state][c];
    if (h < 0) { // lookahead past the cursor, checked to fit by select()
      return Bits.get(p, off + cursor, bitOff, width);
    }
    int idx = r.last(h);
    if (idx < 0) {
      return 0; // a header not extracted on this path reads as zero (P4: invalid header)
    }
    return Bits.get(p, off + r.offset[idx], bitOff, width);
  }

  private static void fail(ParseResult r, ParseStatus s, int cursor) {
    r.status = s;
    r.errorOffset = cursor;
    r.payloadOffset = cursor;
  }
}
